import type { WebhookHandler } from "./handler.js";

/**
 * What every adapter's middleware exposes besides handling requests: the handler itself, the graceful
 * drain and the webhook registration. Adapters attach it to the function they return, so all of them
 * offer the same controls.
 */
export interface WebhookControls {
  /** The framework-agnostic handler behind the middleware. */
  readonly handler: WebhookHandler;
  /**
   * The graceful drain: answers new updates 503 with `Retry-After` (Telegram brings them to the next
   * process), waits for every started update, and resolves with `{ drained, unfinished }` once they have
   * finished or after `timeoutMs` (default 10 000 ms). The handler's own `close`.
   */
  close: WebhookHandler["close"];
  /**
   * The outcome of the start-up registration asked for with the `setWebhook` option, or `null` without
   * that option. Never rejects.
   */
  readonly ready: WebhookHandler["ready"];
  /**
   * Registers the webhook now with the `setWebhook` option's settings, calling Telegram only if something
   * differs. Rejects with a `TelehookError` on failure, or when the option was not given.
   */
  setWebhook: WebhookHandler["setWebhook"];
  /**
   * A cheap snapshot for a health route: updates in flight and queued, and with the option `stats: true`
   * also the counts per outcome and reason, the oldest run's age and the store's health.
   */
  stats: WebhookHandler["stats"];
}

/** The controls of a handler, to attach to an adapter's middleware with `Object.assign`. */
export function webhookControls(handler: WebhookHandler): WebhookControls {
  return {
    handler,
    close: handler.close,
    ready: handler.ready,
    setWebhook: handler.setWebhook,
    stats: handler.stats,
  };
}
