// Hand-written on purpose: models the Bot API server's pure-ASCII JSON output, which JSON.stringify does not produce.
/**
 * JSON the way the Bot API server writes it: pure ASCII. Every character above U+007F becomes `\uXXXX` with
 * lowercase hex digits, astral characters as a UTF-16 surrogate pair; control characters are already
 * escaped by `JSON.stringify` as `\b \f \n \r \t` or `\u00XX`.
 */
export function asciiJson(value: unknown): string {
  return escapeNonAscii(JSON.stringify(value) ?? "null");
}

const NON_ASCII = /[\u0080-\uffff]/g;

function escapeNonAscii(json: string): string {
  return json.replace(NON_ASCII, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

/**
 * The body of one webhook request: `{"update_id":N,\n"<type>":{…}}`, with the literal `,\n` after the id that
 * the real server writes, and the rest compact ASCII JSON.
 */
export function webhookBody(updateId: number, type: string, payload: unknown): string {
  return `{"update_id":${updateId},\n${asciiJson(type)}:${asciiJson(payload)}}`;
}
