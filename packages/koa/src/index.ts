/**
 * `@telehook/koa`: receive Telegram webhooks in the Koa 2 or 3 app you already run. The middleware
 * translates between Koa and `@telehook/core`, which decides every answer.
 *
 * It works with or without `@koa/bodyparser` or `koa-body` before it. Mount it before body parsers when you
 * can: then a malformed request gets telehook's own JSON answer rather than the parser's error.
 *
 * @packageDocumentation
 *
 * @example
 * import Koa from "koa";
 * import { telegramWebhook } from "@telehook/koa";
 *
 * const app = new Koa();
 * app.use(
 *   telegramWebhook({
 *     path: "/bot",
 *     secretToken: process.env.WEBHOOK_SECRET,
 *     onUpdate: (update) => bot.handleUpdate(update),
 *   }),
 * );
 * app.listen(3000);
 */
import {
  createWebhookHandler,
  type WebhookControls,
  type WebhookOptions,
  webhookControls,
} from "@telehook/core";
import { toWebhookRequest, webhookPathMatcher } from "@telehook/node";
import type { Context, Middleware, Next } from "koa";

// What a user of this adapter needs from @telehook/core, so that it is imported from one place: the error
// class, the update and handler types, and the types its options and controls are made of.
export {
  type CloseResult,
  type DeliveryStore,
  type ErrorPolicy,
  type LogLevel,
  type Rejection,
  type RejectionReason,
  type SourceIpOptions,
  TelehookError,
  type TelehookErrorCode,
  type Update,
  type UpdateContext,
  type UpdateHandler,
  type UpdateType,
  type WebhookControls,
  type WebhookEvent,
  type WebhookInstrumentation,
  type WebhookLogger,
  type WebhookOptions,
  type WebhookRegistrationConfig,
  type WebhookRegistrationOutcome,
  type WebhookReply,
  type WebhookStats,
} from "@telehook/core";

/**
 * Options of the Koa `telegramWebhook`: the core's options and the path to answer on.
 * @see https://github.com/telehook/telehook#koa
 */
export interface KoaWebhookOptions extends WebhookOptions {
  /**
   * The path the webhook answers, such as `"/bot"`; the same path with a trailing slash matches too, and
   * requests to any other path go on to the next middleware. Leave it out when `@koa/router` or
   * `koa-mount` already chose the path: every request that reaches the middleware is then answered.
   * @default undefined (answer every request that reaches the middleware)
   * @see https://github.com/telehook/telehook#koa
   */
  path?: string;
}

/**
 * A Koa middleware that answers Telegram's webhook requests.
 * It also carries the core handler and its controls: `close()` to drain before shutdown, `ready` and
 * `setWebhook()` for the webhook registration.
 */
export type KoaWebhookMiddleware = Middleware & WebhookControls;

/**
 * Builds the Koa middleware. Every request it answers gets an explicit status and body, so none falls
 * back to Koa's default 404 or turns into a 204. Throws a `TelehookError` at once when an option is wrong.
 *
 * @example
 * router.post("/bot", telegramWebhook({ secretToken, onUpdate: (update) => bot.handleUpdate(update) }));
 */
export function telegramWebhook(options: KoaWebhookOptions): KoaWebhookMiddleware {
  const { path, ...webhookOptions } = options;
  const isWebhookPath = webhookPathMatcher(path, "@telehook/koa");
  const handler = createWebhookHandler(webhookOptions);
  const middleware = async (ctx: Context, next: Next): Promise<void> => {
    if (!isWebhookPath(ctx.path)) return next();
    // The headers come from ctx.req, not ctx.get(), which answers "" for a missing header.
    const { status, headers, body } = await handler.handle(toWebhookRequest(ctx.req, keptBody(ctx)));
    ctx.status = status;
    // With a Content-Type already set, Koa skips guessing one for the body below.
    ctx.set(headers["content-type"] === undefined ? { ...headers, "content-type": "text/plain" } : headers);
    // A string body, even "", keeps the status; null would turn a 200 into a 204.
    ctx.body = body;
    // An empty 200 has no content type.
    if (headers["content-type"] === undefined) ctx.remove("Content-Type");
  };
  return Object.assign(middleware, webhookControls(handler));
}

/**
 * What a body parser kept: the raw text (`@koa/bodyparser`, `koa-body` with `includeUnparsed`), or else
 * the value it parsed. Used only when the stream was already read.
 */
function keptBody(ctx: Context): unknown {
  const { rawBody, body } = ctx.request as { rawBody?: unknown; body?: unknown };
  return typeof rawBody === "string" ? rawBody : body;
}
