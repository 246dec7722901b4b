import type { Attributes, Meter } from "@opentelemetry/api";
import type { WebhookEvent } from "@telehook/core";
import {
  ATTR_ERROR_TYPE,
  ATTR_MESSAGING_OPERATION_NAME,
  ATTR_MESSAGING_SYSTEM,
  ATTR_OUTCOME,
  ATTR_REASON,
  ATTR_UPDATE_TYPE,
  MESSAGING_SYSTEM,
  OPERATION,
} from "./attributes.js";

/** Histogram of how long each run of `onUpdate` took, in seconds (the messaging semantic conventions' name). */
export const METRIC_PROCESS_DURATION = "messaging.process.duration";
/** Counter of the webhook's events by outcome (received, started, finished, failed, refused, rejected…). */
export const METRIC_OUTCOMES = "telehook.webhook.outcomes";
/** Observable up-down counter: the updates whose `onUpdate` is running, read at each collection. */
export const METRIC_IN_FLIGHT = "telehook.webhook.in_flight";
/** Observable up-down counter: the updates waiting for their chat (or the store), read at each collection. */
export const METRIC_QUEUED = "telehook.webhook.queued";

/** The buckets the messaging conventions advise for `messaging.process.duration`, in seconds. */
const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10];

/** What the gauges read when they are collected. */
export interface LiveCounts {
  /** Runs of `onUpdate` not finished yet: the value of `telehook.webhook.in_flight`. */
  readonly inFlight: number;
  /** Updates waiting for their chat or the store: the value of `telehook.webhook.queued`. */
  readonly queued: number;
}

/**
 * The instruments: the duration of each run of `onUpdate`, a counter of every event by kind and reason,
 * and two observable up-down counters (shown as gauges by Prometheus) of updates in flight and queued.
 * Every attribute comes from a small closed set: update types, reasons, error class names.
 */
export function createWebhookMetrics(meter: Meter, live: LiveCounts) {
  const duration = meter.createHistogram(METRIC_PROCESS_DURATION, {
    description: "How long onUpdate ran for one update, successful or not.",
    unit: "s",
    advice: { explicitBucketBoundaries: DURATION_BUCKETS },
  });
  const outcomes = meter.createCounter(METRIC_OUTCOMES, {
    description:
      "The webhook's outcomes: received, started, finished, failed, acknowledged, dead_lettered, duplicate, queued, refused, rejected, stuck, store_error, closing, drained.",
    unit: "{event}",
  });
  const inFlight = meter.createObservableUpDownCounter(METRIC_IN_FLIGHT, {
    description: "Updates received and not finished, including those waiting for their chat.",
    unit: "{update}",
  });
  const queued = meter.createObservableUpDownCounter(METRIC_QUEUED, {
    description: "Updates waiting behind an earlier update of their chat.",
    unit: "{update}",
  });
  inFlight.addCallback((result) => result.observe(live.inFlight));
  queued.addCallback((result) => result.observe(live.queued));

  function onEvent(event: WebhookEvent): void {
    const attributes: Attributes = { [ATTR_OUTCOME]: event.type };
    if ("updateType" in event) attributes[ATTR_UPDATE_TYPE] = event.updateType;
    switch (event.type) {
      case "rejected":
      case "refused":
        attributes[ATTR_REASON] = event.reason;
        break;
      case "duplicate":
        attributes[ATTR_REASON] = event.outcome;
        break;
      case "failed":
        attributes[ATTR_REASON] = event.verdict;
        attributes[ATTR_ERROR_TYPE] = event.errorType;
        break;
      case "dead_lettered":
        attributes[ATTR_ERROR_TYPE] = event.errorType;
        break;
      case "store_error":
        attributes[ATTR_REASON] = event.action;
        attributes[ATTR_ERROR_TYPE] = event.errorType;
        break;
    }
    outcomes.add(1, attributes);
    if (event.type === "finished" || event.type === "failed") {
      const measured: Attributes = {
        [ATTR_MESSAGING_SYSTEM]: MESSAGING_SYSTEM,
        [ATTR_MESSAGING_OPERATION_NAME]: OPERATION,
        [ATTR_UPDATE_TYPE]: event.updateType,
      };
      if (event.type === "failed") measured[ATTR_ERROR_TYPE] = event.errorType;
      duration.record(event.durationMs / 1000, measured);
    }
  }

  return { onEvent };
}
