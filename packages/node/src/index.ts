/**
 * `@telehook/node`: receive Telegram webhooks on Node's own servers (`http`, `https`, `http2`'s
 * compatibility API) and on connect-style stacks (connect, polka, h3 through `event.node`). It also holds
 * the conversion of a Node request into `@telehook/core`'s `WebhookRequest` that every Node adapter
 * (Express, Koa, Fastify) shares, for anyone writing another one.
 *
 * @packageDocumentation
 *
 * @example
 * import { createServer } from "node:http";
 * import { telegramWebhook } from "@telehook/node";
 *
 * const webhook = telegramWebhook({
 *   path: "/bot",
 *   secretToken: process.env.WEBHOOK_SECRET,
 *   onUpdate: (update) => bot.handleUpdate(update),
 * });
 * createServer(webhook).listen(3000);
 */

export {
  type CloseResult,
  type Rejection,
  type RejectionReason,
  TelehookError,
  type TelehookErrorCode,
  type Update,
  type UpdateContext,
  type UpdateHandler,
  type WebhookControls,
  type WebhookOptions,
  type WebhookRequest,
  type WebhookResult,
} from "@telehook/core";
export { bodyParserResult, type NodeRequest, toWebhookRequest } from "./incoming-request.js";
export { type NodeWebhookListener, type NodeWebhookOptions, telegramWebhook } from "./node-webhook.js";
export { webhookPathMatcher } from "./path-matcher.js";
export { type NodeResponse, writeWebhookResult } from "./write-result.js";
