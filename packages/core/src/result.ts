import { leavesBodyUnread, type Rejection } from "./rejection.js";

/** What the core answers for one request. Adapters copy it onto the framework's response as it is. */
export interface WebhookResult {
  /** The HTTP status code. */
  readonly status: number;
  /** Response headers, with lower-case names. */
  readonly headers: Readonly<Record<string, string>>;
  /** The response body: empty, a JSON rejection, or a webhook reply. */
  readonly body: string;
}

const JSON_TYPE = "application/json; charset=utf-8";

/** The answer to a delivered update with nothing to reply. */
export const OK_RESULT: WebhookResult = Object.freeze({ status: 200, headers: Object.freeze({}), body: "" });

/** The answer to a delivered update that carries a webhook reply (a Bot API call in the body). */
export function replyResult(body: string): WebhookResult {
  return { status: 200, headers: { "content-type": JSON_TYPE }, body };
}

const CLOSE = { connection: "close" };

/**
 * The answer to a rejected request: its status, extra headers, and a small JSON body with the reason.
 * When the body was left unread it carries `Connection: close`, which Node's server honours by closing the
 * socket once the answer is written, so the rest of the body is never read.
 */
export function rejectionResult(rejection: Rejection, headers?: Record<string, string>): WebhookResult {
  return {
    status: rejection.status,
    headers: {
      "content-type": JSON_TYPE,
      ...(leavesBodyUnread(rejection.reason) ? CLOSE : undefined),
      ...headers,
    },
    body: JSON.stringify({ ok: false, error: rejection.reason, description: rejection.message }),
  };
}

/**
 * True for the usual answer: no body and no header of its own. Adapters send it the cheapest way their
 * framework has (`writeHead(status).end()` on Node, `c.body(null, status)` on Hono).
 */
export function isPlainAnswer({
  body,
  headers,
}: {
  readonly body: string;
  readonly headers: Readonly<Record<string, string>>;
}): boolean {
  if (body !== "") return false;
  for (const _ in headers) return false;
  return true;
}
