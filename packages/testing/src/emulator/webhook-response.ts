import { gunzipSync, inflateRawSync, inflateSync } from "node:zlib";
import type { AttemptResult } from "./attempt-result.js";
import { parseRetryAfter } from "./backoff.js";
import type { BodyPolicy, ParsedResponse } from "./http-response-parser.js";
import { bodyKindOf, parseBodyParams } from "./request-params.js";

/** The most a JSON or urlencoded reply body may hold (1 MiB). */
const MAX_REPLY_PARAMETERS_BYTES = 1024 * 1024;
/** The most a multipart reply body may hold. */
const MAX_MULTIPART_REPLY_BYTES = 64 * 1024 * 1024;

const TOO_MANY_PARAMETERS = "Request Entity Too Large: too many parameters";
const BAD_CONTENT_ENCODING = "Unsupported Media Type: unsupported content-encoding";

function isSuccess(status: number): boolean {
  return status >= 200 && status <= 299;
}

/**
 * How to read a webhook's response body, decided from its headers: gzip/deflate/none only; JSON and
 * urlencoded bodies at most 1 MiB (whatever the status); bodies kept only when a 2xx may carry a reply method.
 */
export function webhookBodyPolicy(status: number, headers: ReadonlyMap<string, string>): BodyPolicy | string {
  const encoding = (headers.get("content-encoding") ?? "").toLowerCase();
  if (encoding !== "" && encoding !== "gzip" && encoding !== "deflate" && encoding !== "none") {
    return BAD_CONTENT_ENCODING;
  }
  const kind = bodyKindOf(headers.get("content-type"));
  const limit =
    kind === "json" || kind === "urlencoded"
      ? MAX_REPLY_PARAMETERS_BYTES
      : kind === "multipart"
        ? MAX_MULTIPART_REPLY_BYTES
        : Number.POSITIVE_INFINITY;
  return { keep: isSuccess(status) && kind !== "other", limit, tooLargeError: TOO_MANY_PARAMETERS };
}

/** Turns a complete response into an attempt result: success with the reply call, or the failure text. */
export async function interpretWebhookResponse(response: ParsedResponse): Promise<AttemptResult> {
  const { status, headers } = response;
  if (!isSuccess(status)) {
    return {
      kind: "rejected",
      status,
      error: `Wrong response from the webhook: ${status} ${response.reason}`,
      retryAfter: parseRetryAfter(headers.get("retry-after")),
    };
  }
  if (response.body.length === 0) return { kind: "delivered", status, reply: undefined };
  const encoding = (headers.get("content-encoding") ?? "").toLowerCase();
  const raw = decode(response.body, encoding);
  if (raw === undefined) return { kind: "failed", error: BAD_CONTENT_ENCODING };
  const contentType = headers.get("content-type");
  const kind = bodyKindOf(contentType);
  if ((kind === "json" || kind === "urlencoded") && raw.length > MAX_REPLY_PARAMETERS_BYTES) {
    return { kind: "failed", error: TOO_MANY_PARAMETERS };
  }
  const reply = await parseBodyParams(contentType, raw);
  return { kind: "delivered", status, reply: Object.keys(reply).length === 0 ? undefined : reply };
}

function decode(body: Buffer, encoding: string): Buffer | undefined {
  try {
    if (encoding === "gzip") return gunzipSync(body);
    if (encoding === "deflate") {
      try {
        return inflateSync(body);
      } catch {
        return inflateRawSync(body);
      }
    }
    return body;
  } catch {
    return undefined;
  }
}
