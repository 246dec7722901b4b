/** What a bot token is replaced with in text that may be shown or logged. */
const TOKEN_MARK = "<bot-token>";
/** What any other secret is replaced with. */
const SECRET_MARK = "<redacted>";
/** Shorter values are not looked for: they would match ordinary words. */
const MIN_HIDDEN_LENGTH = 6;

/**
 * Replaces a bot token wherever it appears in text: raw, or with any of its characters percent-encoded
 * (`%3A` or `%3a`, every character or some, encoded again as `%253A`), as a registered webhook URL or an
 * error message may carry it. The part after the colon, which is what makes the token secret, is replaced
 * on its own as well. Core's Bot API errors and the `telehook` CLI use this one function.
 *
 * @example
 * redactToken(`url: https://example.com/bot${encodeURIComponent(token)}`, token);
 * // "url: https://example.com/bot<bot-token>"
 */
export function redactToken(text: string, token: string): string {
  if (typeof token !== "string" || token === "") return text;
  let result = text.replace(spelledAnyWay(token), TOKEN_MARK);
  const secretPart = token.slice(token.indexOf(":") + 1);
  if (secretPart !== token && secretPart.length >= MIN_HIDDEN_LENGTH) {
    result = result.replace(spelledAnyWay(secretPart), TOKEN_MARK);
  }
  return result;
}

/**
 * Replaces a secret (a webhook secret token, a password) wherever it appears in text, raw or
 * percent-encoded in any way, with `<redacted>`. A value shorter than 6 characters is left alone: it would
 * match ordinary words.
 */
export function redactSecret(text: string, secret: string): string {
  if (typeof secret !== "string" || secret.length < MIN_HIDDEN_LENGTH) return text;
  return text.replace(spelledAnyWay(secret), SECRET_MARK);
}

/**
 * Matches `value` with each ASCII character either as itself or as `%XX` (hex in either case, the `%`
 * itself possibly encoded again as `%25`, any number of times).
 */
function spelledAnyWay(value: string): RegExp {
  let source = "";
  for (const char of value) {
    const literal = char.replace(/[\\^$.*+?()[\]{}|/-]/g, "\\$&");
    const code = char.charCodeAt(0);
    if (char.length !== 1 || code > 0x7f) {
      source += literal;
      continue;
    }
    const hex = code
      .toString(16)
      .padStart(2, "0")
      .replace(/[a-f]/g, (digit) => `[${digit}${digit.toUpperCase()}]`);
    source += `(?:${literal}|%(?:25)*${hex})`;
  }
  return new RegExp(source, "g");
}
