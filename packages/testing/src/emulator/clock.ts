import { TelehookError } from "@telehook/core";
/**
 * The emulator's sense of time. Every duration the Bot API server has (backoff waits, `Retry-After`, the
 * 60 s delivery deadline, update lifetimes, the 23 h rule for 410, the setWebhook rate limit) is measured
 * on this clock, so a test can run hours of Telegram time in seconds.
 */
export interface EmulatorClock {
  /** The current emulated time in milliseconds since the Unix epoch. */
  now(): number;
  /** Runs `callback` after `delayMs` emulated milliseconds. Returns a function that cancels it. */
  schedule(callback: () => void, delayMs: number): () => void;
  /** Converts an emulated duration into the real milliseconds it takes on this clock. */
  toRealMs(emulatedMs: number): number;
}

/**
 * A clock that starts at the real time and runs `1 / timeScale` times faster than it. With
 * `timeScale: 0.001` one emulated second passes in one real millisecond.
 */
export function createScaledClock(timeScale = 1): EmulatorClock {
  if (!(timeScale > 0) || !Number.isFinite(timeScale)) {
    throw new TelehookError(
      "invalid_options",
      "timeScale must be a positive finite number, such as 1 or 0.001.",
      { source: "@telehook/testing" },
    );
  }
  const realStart = performance.now();
  const epochStart = Date.now();
  return {
    now: () => epochStart + (performance.now() - realStart) / timeScale,
    schedule(callback, delayMs) {
      const timer = setTimeout(callback, Math.max(0, delayMs * timeScale));
      return () => clearTimeout(timer);
    },
    toRealMs: (emulatedMs) => emulatedMs * timeScale,
  };
}

/** Unix time in whole seconds, as the Bot API reports dates. */
export function unixSeconds(clock: EmulatorClock): number {
  return Math.floor(clock.now() / 1000);
}
