import { TelehookError } from "../errors.js";

/** The error raised when the caller's `signal` aborts a wait or a request. */
export function abortedError(what: string): TelehookError {
  return new TelehookError("aborted", `${what} was aborted by its signal.`);
}

/**
 * Waits `ms` milliseconds, or rejects with an `"aborted"` TelehookError as soon as `signal` aborts.
 * Uses only `setTimeout`, so it runs on every runtime.
 */
export function sleep(ms: number, signal?: AbortSignal, what = "The wait"): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(abortedError(what));
    const onAbort = () => {
      clearTimeout(timer);
      reject(abortedError(what));
    };
    const timer = setTimeout(
      () => {
        signal?.removeEventListener("abort", onAbort);
        resolve();
      },
      Math.max(0, ms),
    );
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

/**
 * The wait after a 429: Telegram's `retry_after` plus up to half of it again (at least up to 500 ms), so
 * instances that were refused together come back spread out instead of in a new burst.
 */
export function retryAfterDelay(retryAfterSeconds: number, random: () => number = Math.random): number {
  const base = Math.max(0, retryAfterSeconds) * 1000;
  return Math.round(base + random() * Math.max(500, base / 2));
}

/**
 * Exponential backoff with full jitter for failures without a `retry_after`: a random wait in
 * `[0, min(maxMs, firstMs * 2^attempt)]`, and never less than `firstMs / 2`.
 */
export function backoffDelay(
  attempt: number,
  random: () => number = Math.random,
  firstMs = 250,
  maxMs = 4000,
): number {
  const ceiling = Math.min(maxMs, firstMs * 2 ** Math.max(0, attempt));
  return Math.round(Math.max(firstMs / 2, random() * ceiling));
}

/**
 * A signal that aborts when any of the given signals does, or after `timeoutMs`. `dispose()` removes the
 * listeners and the timer, so a long-lived parent signal does not collect them. Written by hand rather than
 * with `AbortSignal.any`, which some runtimes lack.
 */
export function linkedSignal(
  signals: readonly (AbortSignal | undefined)[],
  timeoutMs?: number,
): { signal: AbortSignal; timedOut: () => boolean; dispose: () => void } {
  const controller = new AbortController();
  let timedOut = false;
  const cleanups: (() => void)[] = [];
  const abort = () => controller.abort();
  for (const parent of signals) {
    if (!parent) continue;
    if (parent.aborted) {
      controller.abort();
      break;
    }
    parent.addEventListener("abort", abort, { once: true });
    cleanups.push(() => parent.removeEventListener("abort", abort));
  }
  if (timeoutMs !== undefined && !controller.signal.aborted) {
    const timer = setTimeout(
      () => {
        timedOut = true;
        controller.abort();
      },
      Math.max(0, timeoutMs),
    );
    cleanups.push(() => clearTimeout(timer));
  }
  return {
    signal: controller.signal,
    timedOut: () => timedOut,
    dispose: () => {
      for (const cleanup of cleanups) cleanup();
    },
  };
}
