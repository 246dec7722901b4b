// Hand-written on purpose: models the Bot API server's lenient JSON reader (members before the first error are kept); JSON.parse is all-or-nothing.
/**
 * The members of a JSON object body, read the way the Bot API server's HTTP reader reads them: member by
 * member, keeping every member completed before the first syntax error. So a body cut short
 * (`{"method":"sendMessage","chat_id":1,"te`) or followed by garbage still yields its earlier members.
 * A body that does not start with an object yields none.
 */
export function parsePartialJsonObject(text: string): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  let i = skipSpace(text, 0);
  if (text[i] !== "{") return result;
  i = skipSpace(text, i + 1);
  while (i < text.length && text[i] !== "}") {
    const keyEnd = scanValue(text, i);
    if (text[i] !== '"' || keyEnd === -1) break;
    const key = JSON.parse(text.slice(i, keyEnd)) as string;
    i = skipSpace(text, keyEnd);
    if (text[i] !== ":") break;
    const valueStart = skipSpace(text, i + 1);
    const valueEnd = scanValue(text, valueStart);
    if (valueEnd === -1) break;
    let value: unknown;
    try {
      value = JSON.parse(text.slice(valueStart, valueEnd));
    } catch {
      break;
    }
    i = skipSpace(text, valueEnd);
    // A member counts once the separator after it (or the closing brace) is seen.
    if (text[i] !== "," && text[i] !== "}") break;
    result[key] = value;
    if (text[i] === ",") i = skipSpace(text, i + 1);
  }
  return result;
}

function skipSpace(text: string, from: number): number {
  let i = from;
  while (i < text.length && " \t\r\n".includes(text.charAt(i))) i++;
  return i;
}

/** The end of the JSON value starting at `from` (exclusive), or -1 if it is cut short. */
function scanValue(text: string, from: number): number {
  const first = text[from];
  if (first === undefined) return -1;
  if (first === '"') return scanString(text, from);
  if (first === "{" || first === "[") {
    let depth = 0;
    let i = from;
    while (i < text.length) {
      const char = text[i];
      if (char === '"') {
        i = scanString(text, i);
        if (i === -1) return -1;
        continue;
      }
      if (char === "{" || char === "[") depth++;
      else if (char === "}" || char === "]") {
        depth--;
        if (depth === 0) return i + 1;
      }
      i++;
    }
    return -1;
  }
  let i = from;
  while (i < text.length && !",}] \t\r\n".includes(text.charAt(i))) i++;
  return i === text.length ? -1 : i;
}

function scanString(text: string, from: number): number {
  for (let i = from + 1; i < text.length; i++) {
    const char = text[i];
    if (char === "\\") i++;
    else if (char === '"') return i + 1;
  }
  return -1;
}
