/**
 * The webhook replies of the most recently handled updates, so that a copy Telegram sends again after
 * losing the first answer gets the same reply (Telegram runs a reply only from an answer it received).
 * Bounded by count and by total size; the oldest are forgotten first. It lives in this process only.
 */
export class RecentReplies {
  readonly #replies = new Map<number, string>();
  readonly #maxCount: number;
  readonly #maxChars: number;
  #chars = 0;

  constructor(maxCount = 1000, maxChars = 8 * 1024 * 1024) {
    this.#maxCount = maxCount;
    this.#maxChars = maxChars;
  }

  remember(updateId: number, body: string): void {
    if (body.length > this.#maxChars) return;
    this.#forget(updateId);
    this.#replies.set(updateId, body);
    this.#chars += body.length;
    while (this.#replies.size > this.#maxCount || this.#chars > this.#maxChars) {
      this.#forget(this.#replies.keys().next().value as number);
    }
  }

  get(updateId: number): string | undefined {
    return this.#replies.size === 0 ? undefined : this.#replies.get(updateId);
  }

  #forget(updateId: number): void {
    const body = this.#replies.get(updateId);
    if (body === undefined) return;
    this.#replies.delete(updateId);
    this.#chars -= body.length;
  }
}
