/**
 * `@telehook/opentelemetry`: OpenTelemetry traces and metrics for a telehook webhook, from its event
 * stream. A `process telegram` CONSUMER span per update run under the incoming HTTP span, the messaging
 * semantic conventions, an outcome counter and gauges of updates in flight and queued. Nothing private
 * reaches an attribute: no body, secret, token, message text, chat or user id.
 *
 * `@opentelemetry/api` is a peer dependency: start your OpenTelemetry SDK as usual, and the global
 * tracer and meter providers are used unless you pass your own.
 *
 * @packageDocumentation
 *
 * @example
 * import { telegramWebhook } from "@telehook/express";
 * import { openTelemetry } from "@telehook/opentelemetry";
 *
 * app.use(
 *   "/bot",
 *   telegramWebhook({
 *     secretToken: process.env.WEBHOOK_SECRET,
 *     onUpdate: (update) => bot.handleUpdate(update),
 *     instrumentation: openTelemetry(),
 *   }),
 * );
 */
export {
  ATTR_ACKNOWLEDGED_EARLY,
  ATTR_OUTCOME,
  ATTR_QUEUE_KIND,
  ATTR_REASON,
  ATTR_SHED,
  ATTR_UPDATE_TYPE,
  SPAN_NAME,
} from "./attributes.js";
export {
  INSTRUMENTATION_SCOPE,
  type OpenTelemetryInstrumentation,
  type OpenTelemetryOptions,
  openTelemetry,
} from "./open-telemetry.js";
export {
  METRIC_IN_FLIGHT,
  METRIC_OUTCOMES,
  METRIC_PROCESS_DURATION,
  METRIC_QUEUED,
} from "./webhook-metrics.js";
