import { TelehookError } from "./errors.js";

/** The request header that carries the secret token set with `setWebhook`. */
export const SECRET_TOKEN_HEADER = "x-telegram-bot-api-secret-token";

const SECRET_TOKEN_PATTERN = /^[A-Za-z0-9_-]{1,256}$/;
const BOT_TOKEN_PATTERN = /^\d+:[A-Za-z0-9_-]+$/;

/**
 * Checks a secret token against Telegram's rule (1–256 characters from `A-Z a-z 0-9 _ -`) and throws a
 * `TelehookError` that says what is wrong. The message never repeats the token.
 */
export function assertValidSecretToken(token: unknown, where = "secretToken"): asserts token is string {
  if (typeof token !== "string") {
    throw new TelehookError("invalid_options", `${where} must be a string, got ${typeof token}.`);
  }
  if (BOT_TOKEN_PATTERN.test(token)) {
    throw new TelehookError(
      "invalid_options",
      `${where} looks like a bot token. Telegram rejects ":" in a secret token, and the bot token must stay private: choose a separate random secret of 1-256 characters from A-Z, a-z, 0-9, "_" and "-".`,
    );
  }
  if (!SECRET_TOKEN_PATTERN.test(token)) {
    const problem =
      token.length === 0
        ? "is empty"
        : token.length > 256
          ? "is longer than 256 characters"
          : 'contains characters other than A-Z, a-z, 0-9, "_" and "-"';
    throw new TelehookError(
      "invalid_options",
      `${where} ${problem}. Telegram only accepts 1-256 characters from A-Z, a-z, 0-9, "_" and "-".`,
    );
  }
}

/**
 * Compares a received header with each accepted token in time that depends only on the accepted tokens,
 * never on how much of the received value matches. Plain JavaScript, so it runs on every runtime.
 */
export function createSecretTokenMatcher(tokens: readonly string[]): (received: string) => boolean {
  const accepted = tokens.slice();
  return (received) => {
    let matched = 0;
    for (const token of accepted) matched |= equalInConstantTime(token, received);
    return matched === 1;
  };
}

/** 1 when equal, 0 otherwise. Every character of `expected` is visited whatever `received` holds. */
function equalInConstantTime(expected: string, received: string): number {
  let difference = expected.length ^ received.length;
  for (let i = 0; i < expected.length; i++) {
    // Past the end of `received`, charCodeAt is NaN and `| 0` makes it 0; the length check already differs.
    difference |= expected.charCodeAt(i) ^ (received.charCodeAt(i) | 0);
  }
  return difference === 0 ? 1 : 0;
}
