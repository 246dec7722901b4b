import { isThenable } from "../thenable.js";
import { cancelTimer, startTimer } from "../timer.js";

/** Why a store call did not give an answer: it threw, rejected, or did not settle in time. */
export class StoreFailure {
  /** What the store threw or rejected with, or an error for a malformed answer; undefined on timeout. */
  readonly cause: unknown;
  /** True when the call did not settle within `storeTimeoutMs`. */
  readonly timedOut: boolean;

  constructor(cause: unknown, timedOut = false) {
    this.cause = cause;
    this.timedOut = timedOut;
  }
}

/**
 * Calls one method of a user's store and never throws. A plain value comes back as it is, synchronously,
 * which keeps the in-memory store free of awaits. Anything with a `then` (a native promise or another
 * library's thenable) is adopted and given `timeoutMs`: a client that queues commands while offline must
 * not hold an update past Telegram's patience. An answer that comes after the timeout goes to `late`, so
 * the caller can undo it (a claim granted when nobody waits for it any more).
 */
export function callStore<T>(
  call: () => T | PromiseLike<T>,
  timeoutMs: number,
  late?: (value: T) => void,
): T | StoreFailure | Promise<T | StoreFailure> {
  let value: T | PromiseLike<T>;
  try {
    value = call();
    if (!isThenable(value)) return value;
  } catch (cause) {
    return new StoreFailure(cause);
  }
  return new Promise((resolve) => {
    let timedOut = false;
    const timer = startTimer(timeoutMs, () => {
      timedOut = true;
      resolve(new StoreFailure(undefined, true));
    });
    Promise.resolve(value).then(
      (settled) => {
        cancelTimer(timer);
        if (timedOut) late?.(settled);
        else resolve(settled);
      },
      (cause: unknown) => {
        cancelTimer(timer);
        resolve(new StoreFailure(cause));
      },
    );
  });
}
