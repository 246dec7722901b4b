import type { WebhookEvent, WebhookInstrumentation } from "./events.js";

/** Levels, from the most talkative. */
export type LogLevel = "debug" | "info" | "warn" | "error";

type LogMethod = (...args: unknown[]) => void;

/**
 * Any logger with level methods: `console`, pino, winston, bunyan, consola. pino-like loggers (those with a
 * `child` method) get the fields first and the message second; the others get the message first.
 */
export interface WebhookLogger {
  debug?: LogMethod;
  info?: LogMethod;
  warn?: LogMethod;
  error?: LogMethod;
  child?: unknown;
}

const RANK: Readonly<Record<LogLevel, number>> = { debug: 0, info: 1, warn: 2, error: 3 };

/** Which level each event is logged at. */
const LEVEL_OF: Readonly<Record<WebhookEvent["type"], LogLevel>> = {
  received: "debug",
  queued: "debug",
  started: "debug",
  finished: "debug",
  duplicate: "info",
  acknowledged: "info",
  closing: "info",
  drained: "info",
  rejected: "warn",
  refused: "warn",
  failed: "warn",
  stuck: "error",
  dead_lettered: "error",
  store_error: "error",
};

/**
 * Logs the webhook's events at or above `level`. What is logged is the event itself, so it carries no
 * body, secret, token or message text (and no chat or user id).
 */
export function createLogInstrumentation(
  logger: WebhookLogger,
  level: LogLevel = "info",
): WebhookInstrumentation {
  const threshold = RANK[level];
  const fieldsFirst = typeof logger.child === "function";
  return {
    onEvent(event) {
      const eventLevel = LEVEL_OF[event.type];
      if (RANK[eventLevel] < threshold) return;
      const method = logger[eventLevel] ?? logger.info;
      if (typeof method !== "function") return;
      const message = `telehook: ${describe(event)}`;
      if (fieldsFirst) method.call(logger, event, message);
      else method.call(logger, message, event);
    },
  };
}

function describe(event: WebhookEvent): string {
  if (event.type === "rejected") return `request rejected ${event.status} ${event.reason}`;
  if (event.type === "closing" || event.type === "drained") return event.type;
  const about = `update ${event.updateId} (${event.updateType})`;
  switch (event.type) {
    case "refused":
      return `${about} refused ${event.status} ${event.reason}`;
    case "failed":
      return `${about} failed with ${event.errorType}; ${event.verdict === "retry" ? "Telegram will retry" : "dead-lettered"}`;
    case "duplicate":
      return `${about} duplicate (${event.outcome})`;
    case "store_error":
      return `store failed to ${event.action} ${about}${event.timedOut ? " (timed out)" : ""}`;
    default:
      return `${about} ${event.type.replace("_", " ")}`;
  }
}
