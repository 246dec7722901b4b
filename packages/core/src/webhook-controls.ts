import type { WebhookHandler } from "./handler.js";

/**
 * What every adapter's middleware exposes besides handling requests: the handler itself, the graceful
 * drain and the webhook registration. Adapters attach it to the function they return, so all of them
 * offer the same controls.
 */
export interface WebhookControls {
  /** The framework-agnostic handler behind the middleware. */
  readonly handler: WebhookHandler;
  /** See {@link WebhookHandler.close}. */
  close: WebhookHandler["close"];
  /** See {@link WebhookHandler.ready}. */
  readonly ready: WebhookHandler["ready"];
  /** See {@link WebhookHandler.setWebhook}. */
  setWebhook: WebhookHandler["setWebhook"];
  /** See {@link WebhookHandler.stats}. */
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
