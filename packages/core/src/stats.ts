import type { WebhookEvent, WebhookInstrumentation } from "./events.js";

/** A snapshot of what the webhook did since it was built, from `handler.stats()`. */
export interface WebhookStats {
  /** Milliseconds since the handler was built. */
  readonly uptimeMs: number;
  /** How many events of each kind: `received`, `started`, `finished`, `failed`, `refused`, `rejected`… */
  readonly counts: Readonly<Record<string, number>>;
  /** Requests and updates turned away, by reason (`secret_token_invalid`, `not_started`, `queue_full`…). */
  readonly rejections: Readonly<Record<string, number>>;
  /** Runs of `onUpdate` not finished yet, including those the deadline already answered. */
  readonly inFlight: number;
  /** Updates waiting behind an earlier update of their chat. */
  readonly queued: number;
  /** How long the oldest run still going has been running, in milliseconds; 0 when none runs. */
  readonly oldestRunningMs: number;
  /** The store: failures since start, and the last one. `healthy` is false while the last call failed. */
  readonly store: {
    /** False while the last store call failed. */
    readonly healthy: boolean;
    /** Failed store calls since the webhook was built. */
    readonly failures: number;
    /** The last failure, when there was one. */
    readonly lastFailure?: {
      /** The call that failed: `claim`, `renew`, `confirm` or `release`. */
      readonly action: string;
      /** It took longer than `storeTimeoutMs`, rather than throwing. */
      readonly timedOut: boolean;
      /** How long ago it happened, in milliseconds. */
      readonly agoMs: number;
    };
  };
}

/** The live numbers the delivery knows without events. */
export interface LiveGauges {
  /** Updates accepted and not yet finished, queued ones included. */
  readonly unfinished: number;
  /** Updates waiting for their chat's earlier update (or for the store) before they run. */
  readonly queued: number;
}

/**
 * Counts the webhook's events for `handler.stats()`: a consumer of the event stream like any other, which
 * only increments counters and tracks which runs are going.
 */
export function createStatsCollector() {
  const builtAt = performance.now();
  const counts: Record<string, number> = {};
  const rejections: Record<string, number> = {};
  const runningSince = new Map<string, number>();
  let storeFailures = 0;
  let lastFailure: { action: string; timedOut: boolean; at: number } | undefined;
  let storeHealthy = true;

  const instrumentation: WebhookInstrumentation = {
    onEvent(event: WebhookEvent) {
      counts[event.type] = (counts[event.type] ?? 0) + 1;
      switch (event.type) {
        case "rejected":
        case "refused":
          rejections[event.reason] = (rejections[event.reason] ?? 0) + 1;
          break;
        case "started":
          runningSince.set(event.runId, event.time);
          storeHealthy = true;
          break;
        case "finished":
        case "failed":
        case "stuck":
          runningSince.delete(event.runId);
          break;
        case "store_error":
          storeFailures++;
          storeHealthy = false;
          lastFailure = { action: event.action, timedOut: event.timedOut, at: event.time };
          break;
      }
    },
  };

  function snapshot(live: LiveGauges): WebhookStats {
    const now = performance.now();
    let oldest = now;
    for (const since of runningSince.values()) {
      oldest = since;
      break; // Map keeps insertion order: the first is the oldest still running.
    }
    return {
      uptimeMs: Math.round(now - builtAt),
      counts: { ...counts },
      rejections: { ...rejections },
      inFlight: live.unfinished,
      queued: live.queued,
      oldestRunningMs: Math.round(now - oldest),
      store: {
        healthy: storeHealthy,
        failures: storeFailures,
        ...(lastFailure && {
          lastFailure: {
            action: lastFailure.action,
            timedOut: lastFailure.timedOut,
            agoMs: Math.round(now - lastFailure.at),
          },
        }),
      },
    };
  }

  return { instrumentation, snapshot };
}

/** What `handler.stats()` tells without the option `stats: true`: only the live gauges. */
export function gaugesOnly(live: LiveGauges): WebhookStats {
  return {
    uptimeMs: 0,
    counts: {},
    rejections: {},
    inFlight: live.unfinished,
    queued: live.queued,
    oldestRunningMs: 0,
    store: { healthy: true, failures: 0 },
  };
}
