/**
 * True for `application/json`, with any parameters (`; charset=utf-8`) and in any letter case.
 * Telegram always sends exactly `application/json`.
 */
export function isJsonContentType(header: string | null | undefined): boolean {
  if (!header) return false;
  // Telegram's own header, exactly: no slicing or case folding needed.
  if (header === "application/json") return true;
  const end = header.indexOf(";");
  const mediaType = (end === -1 ? header : header.slice(0, end)).trim().toLowerCase();
  return mediaType === "application/json";
}
