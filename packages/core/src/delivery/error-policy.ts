import type { Update } from "../update.js";

/**
 * What to do when `onUpdate` fails:
 * - `"bounded-retry"` (default): ask Telegram to redeliver, up to `maxAttempts` failures; then acknowledge
 *   the update and hand it to `onDeadLetter`, so the chat is not blocked for 24 hours.
 * - `"retry"`: always ask for a redelivery. Telegram keeps trying for up to a day and holds back the chat's
 *   later updates meanwhile.
 * - `"acknowledge"`: never retry; acknowledge at once and hand the update to `onDeadLetter`.
 * - a function deciding per failure, given the error, the update and how many times it has failed so far
 *   (this failure included).
 */
export type ErrorPolicy =
  | "bounded-retry"
  | "retry"
  | "acknowledge"
  | ((error: unknown, update: Update, failures: number) => "retry" | "acknowledge");

/** Counts failures per update over a bounded window and applies the policy. */
export class FailureLedger {
  readonly #failures = new Map<number, number>();
  readonly #policy: ErrorPolicy;
  readonly #maxAttempts: number;
  readonly #windowSize: number;

  constructor(policy: ErrorPolicy, maxAttempts: number, windowSize = 10_000) {
    this.#policy = policy;
    this.#maxAttempts = maxAttempts;
    this.#windowSize = windowSize;
  }

  /** Records one more failure of the update and says whether Telegram should redeliver it. */
  decide(error: unknown, update: Update): "retry" | "acknowledge" {
    const id = update.update_id;
    const failures = (this.#failures.get(id) ?? 0) + 1;
    const verdict = this.#verdict(error, update, failures);
    this.#failures.delete(id);
    if (verdict === "retry") {
      this.#failures.set(id, failures);
      if (this.#failures.size > this.#windowSize)
        this.#failures.delete(this.#failures.keys().next().value as number);
    }
    return verdict;
  }

  /** The update succeeded: forget its failures. */
  succeeded(updateId: number): void {
    if (this.#failures.size > 0) this.#failures.delete(updateId);
  }

  #verdict(error: unknown, update: Update, failures: number): "retry" | "acknowledge" {
    const policy = this.#policy;
    if (typeof policy === "function")
      return policy(error, update, failures) === "retry" ? "retry" : "acknowledge";
    if (policy === "bounded-retry") return failures < this.#maxAttempts ? "retry" : "acknowledge";
    return policy;
  }
}
