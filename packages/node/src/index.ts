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
  type WebhookRequest,
  type WebhookResult,
  type WebhookStats,
} from "@telehook/core";
export { bodyParserResult, type NodeRequest, toWebhookRequest } from "./incoming-request.js";
export { type NodeWebhookListener, type NodeWebhookOptions, telegramWebhook } from "./node-webhook.js";
export { webhookPathMatcher } from "./path-matcher.js";
export { type NodeResponse, writeWebhookResult } from "./write-result.js";
