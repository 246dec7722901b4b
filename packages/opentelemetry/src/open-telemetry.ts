import { type MeterProvider, metrics, type TracerProvider, trace } from "@opentelemetry/api";
import { TelehookError, type WebhookEvent, type WebhookInstrumentation } from "@telehook/core";
import { createRunSpans } from "./run-spans.js";
import { createWebhookMetrics } from "./webhook-metrics.js";

/** The instrumentation scope name of the tracer and the meter. */
export const INSTRUMENTATION_SCOPE = "@telehook/opentelemetry";

/** Options of {@link openTelemetry}. */
export interface OpenTelemetryOptions {
  /**
   * Where spans go. Looked up at the first event, so the SDK may be started after `openTelemetry()` is
   * called (but before the first request).
   * @default the global tracer provider, `trace.getTracerProvider()`
   * @see https://github.com/telehook/telehook#observability
   */
  tracerProvider?: TracerProvider;
  /**
   * Where metrics go. Looked up at the first event, like `tracerProvider`.
   * @default the global meter provider, `metrics.getMeterProvider()`
   * @see https://github.com/telehook/telehook#observability
   */
  meterProvider?: MeterProvider;
  /**
   * The most spans kept open at once. Every run's span ends with its last event, and a run that never
   * ends is ended at `maxRunMs` as stuck; this bound only guards against an event that never comes. Past
   * it, the oldest open span is ended with `telehook.span.evicted` set.
   * @default 10000
   */
  maxOpenSpans?: number;
}

/** The instrumentation `openTelemetry()` returns: pass it to `telegramWebhook({ instrumentation })`. */
export interface OpenTelemetryInstrumentation extends WebhookInstrumentation {
  /** Updates received and not finished, as the `telehook.webhook.in_flight` gauge reports them. */
  readonly inFlight: number;
  /** Updates waiting for their chat, as the `telehook.webhook.queued` gauge reports them. */
  readonly queued: number;
}

/**
 * OpenTelemetry traces and metrics for a telehook webhook, following the messaging semantic conventions.
 *
 * - A CONSUMER span `process telegram` per run of an update, child of the context active when it was
 *   received (the HTTP server span, with HTTP instrumentation on), with `messaging.system` = `telegram`,
 *   `messaging.operation.type` and `.name` = `process`, `messaging.message.id` = the `update_id`,
 *   `telegram.update.type`, and `error.type` when it failed, was refused or got stuck. Queueing, the
 *   start, retries, deadline acknowledgements, dead letters, duplicates, store errors and stuck runs are
 *   span events.
 * - Metrics: `messaging.process.duration` (histogram, seconds), `telehook.webhook.outcomes` (a counter by
 *   `telehook.outcome` and `telehook.reason`), and `telehook.webhook.in_flight` and `telehook.webhook.queued`
 *   (observable up-down counters, counted from the events, so one instrumentation may serve several handlers).
 *
 * No attribute holds a body, a secret, a token, message text or a chat or user id: the events it reads
 * carry none (it does not ask for queue keys).
 *
 * @example
 * telegramWebhook({ secretToken, onUpdate, instrumentation: openTelemetry() });
 */
export function openTelemetry(options: OpenTelemetryOptions = {}): OpenTelemetryInstrumentation {
  const limit = options.maxOpenSpans ?? 10_000;
  if (!Number.isSafeInteger(limit) || limit < 1) {
    throw new TelehookError("invalid_options", "maxOpenSpans must be a whole number, at least 1.", {
      source: "@telehook/opentelemetry",
    });
  }
  let consumers: ((event: WebhookEvent) => void)[] | undefined;
  let live = { inFlight: 0, queued: 0 };

  // The providers are looked up at the first event: the global ones may be registered after this call.
  function start(): ((event: WebhookEvent) => void)[] {
    const tracerProvider = options.tracerProvider ?? trace.getTracerProvider();
    const meterProvider = options.meterProvider ?? metrics.getMeterProvider();
    const spans = createRunSpans(tracerProvider.getTracer(INSTRUMENTATION_SCOPE), limit);
    live = spans;
    const recorded = createWebhookMetrics(meterProvider.getMeter(INSTRUMENTATION_SCOPE), spans);
    return [spans.onEvent, recorded.onEvent];
  }

  return {
    onEvent(event) {
      consumers ??= start();
      for (const consume of consumers) consume(event);
    },
    get inFlight() {
      return live.inFlight;
    },
    get queued() {
      return live.queued;
    },
  };
}
