/**
 * `@telehook/core`: receive Telegram webhooks correctly on any runtime. One pipeline decides every answer;
 * the Express, Hono and Koa adapters and the fetch handler only translate to and from it.
 *
 * @packageDocumentation
 *
 * @example
 * import { createFetchHandler } from "@telehook/core";
 *
 * export const POST = createFetchHandler({
 *   secretToken: process.env.WEBHOOK_SECRET,
 *   onUpdate: async (update, { updateType }) => console.log(updateType, update.update_id),
 * });
 */

export type { WebhookInfo } from "@grammyjs/types";
export {
  type BotApi,
  type BotApiCallArgs,
  type BotApiCallOptions,
  type BotApiFile,
  type BotApiMethod,
  type BotApiMethods,
  type BotApiOptions,
  type BotApiParams,
  type BotApiResult,
  createBotApi,
  DEFAULT_API_ROOT,
} from "./bot-api/bot-api-client.js";
export {
  type EnsureWebhookReason,
  type EnsureWebhookResult,
  ensureWebhook,
} from "./bot-api/ensure-webhook.js";
export type { EnsureWebhookMode, EnsureWebhookOptions } from "./bot-api/prepare-webhook.js";
export { redactToken } from "./bot-api/redact.js";
export { TelegramApiError, type TelegramApiErrorDetails } from "./bot-api/telegram-api-error.js";
export type { WebhookConfig } from "./bot-api/webhook-config.js";
export type { WebhookDifference, WebhookField } from "./bot-api/webhook-diff.js";
export type {
  WebhookRegistrationConfig,
  WebhookRegistrationOutcome,
} from "./bot-api/webhook-registration.js";
export {
  type ClaimResult,
  createMemoryStore,
  type DeliveryClaim,
  type DeliveryStore,
  type LeaseRequest,
  type MemoryStoreOptions,
} from "./delivery/delivery-store.js";
export type { ErrorPolicy } from "./delivery/error-policy.js";
export type { WebhookReply, WebhookReplyMethod } from "./delivery/webhook-reply.js";
export { TelehookError, type TelehookErrorCode } from "./errors.js";
export type { RequestEvent, UpdateEvent, WebhookEvent, WebhookInstrumentation } from "./events.js";
export {
  createFetchHandler,
  type FetchRequestContext,
  type FetchWebhookHandler,
} from "./fetch-handler.js";
export {
  type CloseResult,
  createWebhookHandler,
  type WebhookHandler,
  type WebhookRequest,
} from "./handler.js";
export type { LogLevel, WebhookLogger } from "./logger.js";
export type { WebhookOptions } from "./options.js";
export type { BodyInput } from "./read-body.js";
export type { Rejection, RejectionReason } from "./rejection.js";
export type { WebhookResult } from "./result.js";
export { type SourceIpOptions, TELEGRAM_SOURCE_RANGES } from "./source-ip.js";
export type { WebhookStats } from "./stats.js";
export {
  isKnownUpdateType,
  type KnownUpdateType,
  type SharedWidgetQuery,
  type Update,
  type UpdateContext,
  type UpdateHandler,
  type UpdateType,
  type WidgetQuery,
  type WidgetQueryType,
} from "./update.js";
export { type WebhookControls, webhookControls } from "./webhook-controls.js";
