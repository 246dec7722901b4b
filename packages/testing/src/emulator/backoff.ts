/** The longest `Retry-After` the server honours, in seconds. */
const MAX_RETRY_AFTER_SECONDS = 3600;

/** Backoff state of one update, which starts at `delay = 1` and no failures. */
export interface BackoffState {
  /** The current backoff step in seconds. */
  delaySeconds: number;
  /** Failures so far. */
  failCount: number;
}

/**
 * The wait before the next attempt after a failure, in seconds, updating `state` as the server does:
 * a `Retry-After` above 0 is waited exactly (capped at 3600) and leaves the delay alone; otherwise the first
 * failure is retried at once and later ones wait `min(2·delay, random 60–120)`: 0, 2, 4, 8, 16, 32, ~60, …
 */
export function nextRetryDelaySeconds(
  state: BackoffState,
  retryAfterSeconds: number,
  random: () => number = Math.random,
): number {
  const retryAfter = Math.min(Math.max(retryAfterSeconds, 0), MAX_RETRY_AFTER_SECONDS);
  let wait = retryAfter;
  if (retryAfter === 0 && state.failCount > 0) {
    const cap = 60 + Math.min(60, Math.floor(random() * 61));
    state.delaySeconds = Math.min(cap, state.delaySeconds * 2);
    wait = state.delaySeconds;
  }
  state.failCount++;
  return wait;
}

/** Reads a `Retry-After` header: whole seconds only; anything else counts as absent (0). */
export function parseRetryAfter(header: string | string[] | undefined): number {
  const value = Array.isArray(header) ? header[0] : header;
  if (value === undefined || !/^\s*\d+\s*$/.test(value)) return 0;
  return Math.min(Number(value), MAX_RETRY_AFTER_SECONDS);
}
