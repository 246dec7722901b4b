/**
 * Every way a request can be turned away, with its HTTP status and a message that names the problem.
 * This table is the only place where rejection statuses are decided, so every adapter answers alike.
 */
const REJECTIONS = {
  shutting_down: [503, "The server is shutting down; Telegram will deliver this update again later."],
  method_not_allowed: [405, "Telegram delivers updates with POST."],
  source_not_allowed: [403, "The request does not come from an allowed address."],
  secret_token_missing: [401, "The X-Telegram-Bot-Api-Secret-Token header is missing."],
  secret_token_invalid: [401, "The X-Telegram-Bot-Api-Secret-Token header does not match."],
  unsupported_media_type: [415, "The body must be sent as application/json."],
  unsupported_content_encoding: [415, "The body must not be compressed; Telegram never compresses updates."],
  invalid_content_length: [400, "The Content-Length header is not a valid length."],
  payload_too_large: [413, "The body is larger than maxBodyBytes."],
  body_read_failed: [400, "The body could not be read to the end."],
  body_timeout: [408, "The body did not arrive in time."],
  body_consumed: [
    500,
    "The body stream was already read by another middleware and nothing was kept. Mount telehook before that middleware, or use a body parser that stores the body.",
  ],
  empty_body: [400, "The body is empty."],
  invalid_utf8: [400, "The body is not valid UTF-8."],
  invalid_json: [400, "The body is not valid JSON."],
  invalid_update: [400, "The body is not a Telegram update."],
  forbidden_key: [400, "The body contains a __proto__ key, which no Telegram update has."],
  not_started: [
    503,
    "The update could not start before the deadline (an earlier update of its chat is still running, or the store was slow); Telegram will deliver it again.",
  ],
  queue_full: [503, "Too many updates are waiting for their chat; Telegram will deliver this one again."],
  overloaded: [503, "Too many updates are running (maxInFlight); Telegram will deliver this one again."],
  still_running: [
    503,
    "The update is still running and this platform may freeze it after the answer; Telegram will deliver it again.",
  ],
  store_unavailable: [503, "The dedupe store did not answer; Telegram will deliver this update again."],
  duplicate_in_progress: [409, "Another copy of this update is being handled; deliver it again later."],
  handler_failed: [500, "The update handler failed."],
} as const satisfies Record<string, readonly [number, string]>;

/**
 * Reasons given before the body was read to the end. Their answers close the connection: otherwise the
 * server would go on reading (and discarding) whatever the client still sends, a body of any size from a
 * client that has not proven anything, or keep a slowloris socket open for its next request.
 */
const BODY_LEFT_UNREAD: ReadonlySet<RejectionReason> = new Set<RejectionReason>([
  "method_not_allowed",
  "source_not_allowed",
  "secret_token_missing",
  "secret_token_invalid",
  "unsupported_media_type",
  "unsupported_content_encoding",
  "invalid_content_length",
  "payload_too_large",
  "body_read_failed",
  "body_timeout",
]);

/** A machine-readable reason for a rejected request. */
export type RejectionReason = keyof typeof REJECTIONS;

/** What `onReject` is told about a request that was turned away. It never contains a secret. */
export interface Rejection {
  /** The HTTP status telehook answered with. */
  readonly status: number;
  /** Why the request was rejected. Stable across versions: safe to switch on. */
  readonly reason: RejectionReason;
  /** A human-readable explanation, the same text as in the response body. */
  readonly message: string;
}

/** Builds the rejection for a reason, from the one table above. */
export function rejection(reason: RejectionReason): Rejection {
  const [status, message] = REJECTIONS[reason];
  return { status, reason, message };
}

/** True when the request's body may still be arriving, so the answer must close the connection. */
export function leavesBodyUnread(reason: RejectionReason): boolean {
  return BODY_LEFT_UNREAD.has(reason);
}
