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
  // Every token is padded to the longest one's width, so each comparison visits the same positions. Past
  // its end a token is padded with its first character, which is what the comparison reads there from a
  // received value of the same length (see below). The codes sit in plain arrays of small integers, which
  // V8 reads faster than a typed array here.
  const width = Math.max(1, ...tokens.map((token) => token.length));
  const accepted = tokens.map((token) => ({
    length: token.length,
    codes: Array.from({ length: width }, (_, i) => token.charCodeAt(i < token.length ? i : 0)),
  }));
  return (received) => {
    const receivedLength = received.length;
    // An empty value has no character to read in bounds; a stand-in keeps the same path (its length differs).
    const readable = receivedLength === 0 ? "\0" : received;
    let matched = 0;
    for (let t = 0; t < accepted.length; t++) {
      const { length, codes } = accepted[t] as { length: number; codes: number[] };
      let difference = length ^ receivedLength;
      // Reads exactly `width` characters, always inside the received value: position i while
      // i < receivedLength, then position 0 again, since (i - receivedLength) >> 31 is -1 (all bits set)
      // while i < receivedLength and 0 after, with no branch. A read past the end would take a slower path
      // and tell the received length; a value of another length already differs through the lengths.
      for (let i = 0; i < codes.length; i++) {
        difference |= (codes[i] as number) ^ readable.charCodeAt(i & ((i - receivedLength) >> 31));
      }
      matched |= difference === 0 ? 1 : 0;
    }
    return matched === 1;
  };
}
