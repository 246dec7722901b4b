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
 * never on the received value: neither on how much of it matches nor on its length. Plain JavaScript, so it
 * runs on every runtime, and synchronous, so a request pays no digest and no extra turn of the event loop.
 */
export function createSecretTokenMatcher(tokens: readonly string[]): (received: string) => boolean {
  // Every token is padded to the longest one's width, so each comparison visits the same positions.
  const width = Math.max(1, ...tokens.map((token) => token.length));
  const accepted = tokens.map((token) => ({
    length: token.length,
    codes: Uint16Array.from({ length: width }, (_, i) => token.charCodeAt(i) | 0),
  }));
  return (received) => {
    // An empty value has no character to read in bounds; a stand-in keeps the same path (its length differs).
    const readable = received.length === 0 ? "\0" : received;
    let matched = 0;
    for (const token of accepted) matched |= equalInConstantTime(token, readable, received.length);
    return matched === 1;
  };
}

/**
 * 1 when equal, 0 otherwise. Reads exactly `expected.codes.length` characters of `received`, always inside
 * it: position `i` while `i < receivedLength`, then position 0 again. A read past the end would take a
 * slower path and tell the received length; a value of another length already differs through the lengths.
 */
function equalInConstantTime(
  expected: { readonly length: number; readonly codes: Uint16Array },
  received: string,
  receivedLength: number,
): number {
  const { codes } = expected;
  let difference = expected.length ^ receivedLength;
  for (let i = 0; i < codes.length; i++) {
    // (i - receivedLength) >> 31 is -1 (all bits set) while i < receivedLength, else 0: no branch.
    const at = i & ((i - receivedLength) >> 31);
    difference |= (codes[i] as number) ^ received.charCodeAt(at);
  }
  return difference === 0 ? 1 : 0;
}
