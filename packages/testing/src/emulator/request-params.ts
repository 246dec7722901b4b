import { isUploadedFile, parseMultipart } from "./multipart.js";
import { parsePartialJsonObject } from "./partial-json.js";

/**
 * The parameters of a Bot API call, as they arrived: strings from a query string, a urlencoded or a
 * multipart body; JSON values (numbers, objects, …) from a JSON body; {@link UploadedFile}s from multipart.
 */
export type CallParams = Record<string, unknown>;

/** How a body was encoded, for the reply-size rule that covers only JSON and urlencoded bodies. */
export type BodyKind = "json" | "urlencoded" | "multipart" | "other";

/** Which of the encodings the server parses a content type names; matched by substring, ignoring case. */
export function bodyKindOf(contentType: string | undefined): BodyKind {
  const type = (contentType ?? "").toLowerCase();
  if (type.includes("application/json")) return "json";
  if (type.includes("application/x-www-form-urlencoded")) return "urlencoded";
  if (type.includes("multipart/form-data")) return "multipart";
  return "other";
}

/** Parameters from a query string (without the `?`). */
export function parseQueryParams(query: string): CallParams {
  const params: CallParams = {};
  for (const [key, value] of new URLSearchParams(query)) params[key] = value;
  return params;
}

/**
 * Parameters from a body. Invalid JSON is no error, as on the real server: the members read before the
 * first syntax error are kept. A JSON body that is not an object, or a damaged multipart body, yields none.
 */
export async function parseBodyParams(contentType: string | undefined, body: Buffer): Promise<CallParams> {
  if (body.length === 0) return {};
  switch (bodyKindOf(contentType)) {
    case "json":
      return parseJsonObject(body.toString("utf8"));
    case "urlencoded":
      return parseQueryParams(body.toString("utf8"));
    case "multipart":
      return await parseMultipart(body, contentType ?? "");
    default:
      return {};
  }
}

function parseJsonObject(text: string): CallParams {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as CallParams) : {};
  } catch {
    return parsePartialJsonObject(text);
  }
}

/**
 * A parameter as the server reads it: the string itself, or the raw JSON text of any other JSON value.
 * Missing parameters and files read as `""`.
 */
export function argString(params: CallParams, name: string): string {
  const value = params[name];
  if (value === undefined || value === null) return "";
  if (typeof value === "string") return value;
  if (isUploadedFile(value)) return "";
  return JSON.stringify(value);
}

/** The server's reading of a boolean flag: `true`, `yes` or `1`, trimmed and ignoring case. */
export function argFlag(params: CallParams, name: string): boolean {
  const value = argString(params, name).trim().toLowerCase();
  return value === "true" || value === "yes" || value === "1";
}
