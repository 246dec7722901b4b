/**
 * `@telehook/express`: receive Telegram webhooks in the Express 4 or 5 app you already run. The middleware
 * translates between Express and `@telehook/core`, which decides every answer.
 *
 * It works with or without `express.json()`, `express.text()` or `express.raw()` before it. Mount it before
 * global body parsers when you can: then a malformed request gets telehook's own JSON answer rather than the
 * parser's error page.
 *
 * @packageDocumentation
 *
 * @example
 * import express from "express";
 * import { telegramWebhook } from "@telehook/express";
 *
 * const app = express();
 * app.use(
 *   "/bot",
 *   telegramWebhook({
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
import { bodyParserResult, toWebhookRequest, writeWebhookResult } from "@telehook/node";
import type { NextFunction, Request, RequestHandler, Response } from "express";

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
 * Options of the Express `telegramWebhook`: exactly the core's options. The path comes from where you
 * mount the middleware.
 * @see https://github.com/telehook/telehook#express
 */
export type ExpressWebhookOptions = WebhookOptions;

/**
 * An Express middleware that answers Telegram's webhook requests.
 * It also carries the core handler and its controls: `close()` to drain before shutdown, `ready` and
 * `setWebhook()` for the webhook registration.
 */
export type ExpressWebhookMiddleware = RequestHandler & WebhookControls;

/**
 * Builds the Express middleware. Mounted with `app.use("/bot", ...)` or `router.use`, it answers the mount
 * path itself (`/bot`, `/bot/`, with any query string) and passes other paths below it to `next()`. As a
 * route handler (`app.post("/bot", ...)`) it answers every request the route gives it. Throws a
 * `TelehookError` at once when an option is wrong.
 *
 * @example
 * app.post("/bot", telegramWebhook({ secretToken, onUpdate: (update) => bot.handleUpdate(update) }));
 */
export function telegramWebhook(options: ExpressWebhookOptions): ExpressWebhookMiddleware {
  const handler = createWebhookHandler(options);
  const middleware = (req: Request, res: Response, next: NextFunction): void => {
    if (!isWebhookPath(req, middleware)) {
      next();
      return;
    }
    // Express 4's parsers are body-parser 1, which leaves `req.body = {}` on requests it did not read;
    // Express 5's leave it undefined, so a `{}` there was parsed. Only Express 4 still has `req.param()`.
    const placeholderEmptyObject = typeof (req as { param?: unknown }).param === "function";
    // handle() never rejects, so one `then` is enough.
    void handler
      .handle(toWebhookRequest(req, bodyParserResult(req, { placeholderEmptyObject })))
      .then((result) => {
        try {
          writeWebhookResult(res, result);
        } catch (error) {
          // Only a broken response object gets here; the core itself never throws.
          next(error);
        }
      });
  };
  return Object.assign(middleware, webhookControls(handler));
}

/** Under `use`, `req.path` is relative to the mount; under a route, the route already matched the path. */
function isWebhookPath(req: Request, self: RequestHandler): boolean {
  if (req.path === "/") return true;
  // `req.route` outlives the route that set it, so check that it is the route running this middleware.
  const stack: unknown = req.route?.stack;
  return Array.isArray(stack) && stack.some((layer: { handle?: unknown }) => layer.handle === self);
}
