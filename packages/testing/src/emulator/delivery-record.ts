/** Why an update left the queue without being delivered. */
export type DropReason =
  /** Its lifetime ran out, or the next retry would have been after it. */
  | "expired"
  /** 100 000 updates were already pending. */
  | "queue_full"
  /** Its JSON was over 512 KiB. */
  | "too_big"
  /** `drop_pending_updates` removed it. */
  | "dropped_pending";

/** One entry of the delivery log: an attempt to POST an update, or an update dropped. */
export interface DeliveryRecord {
  /** The update's `update_id`. */
  readonly updateId: number;
  /** The update's type key, such as `"message"`. */
  readonly updateType: string;
  /** The delivery queue (per chat, per user for queries); see `webhookQueueIdOf`. */
  readonly queueKey: number;
  /** 1 for the first attempt, 2 for the first retry, …; for a drop, the attempts made before it. */
  readonly attempt: number;
  /** `delivered` (2xx), `failed` (anything else), or `dropped` (gone without delivery). */
  readonly outcome: "delivered" | "failed" | "dropped";
  /** The HTTP status, when the webhook answered. */
  readonly status?: number;
  /**
   * The error as `getWebhookInfo` would show it, e.g. `Wrong response from the webhook: 500 Internal Server
   * Error` or `Read timeout expired`; `""` when the peer closed without an answer (nothing is recorded then).
   */
  readonly error?: string;
  /** The `Retry-After` seconds honoured, when the webhook sent one. */
  readonly retryAfter?: number;
  /** For a failed attempt that will be retried: the wait before the retry, in emulated ms. */
  readonly retryInMs?: number;
  /** For a drop: why. */
  readonly dropReason?: DropReason;
  /** When the attempt started (emulated ms since the epoch); for a drop, when it happened. */
  readonly startedAt: number;
  /** When the attempt ended (emulated ms since the epoch). */
  readonly finishedAt: number;
}
