/**
 * `@telehook/core`: receive Telegram webhooks correctly on any runtime. One pipeline decides every answer;
 * the Express, Hono and Koa adapters and the fetch handler only translate to and from it.
 *
 * @example
 * import { createFetchHandler } from "@telehook/core";
 *
 * export const POST = createFetchHandler({
 *   secretToken: process.env.WEBHOOK_SECRET,
 *   onUpdate: async (update, { updateType }) => console.log(updateType, update.update_id),
 * });
 *
 * @packageDocumentation
 */

export {
  type ClaimResult,
  createMemoryDedupeStore,
  type DedupeStore,
  type MemoryDedupeStoreOptions,
} from "./delivery/dedupe-store.js";
export type { ErrorPolicy } from "./delivery/error-policy.js";
export { queueKeyOf } from "./delivery/queue-key.js";
export type { WebhookReply, WebhookReplyMethod } from "./delivery/webhook-reply.js";
export { TelehookError, type TelehookErrorCode } from "./errors.js";
export { createFetchHandler, type FetchWebhookHandler } from "./fetch-handler.js";
export {
  type CloseResult,
  createWebhookHandler,
  type WebhookHandler,
  type WebhookRequest,
} from "./handler.js";
export type { UpdateContext, UpdateHandler, WebhookOptions } from "./options.js";
export type { BodyInput } from "./read-body.js";
export type { Rejection, RejectionReason } from "./rejection.js";
export type { WebhookResult } from "./result.js";
export { assertValidSecretToken, SECRET_TOKEN_HEADER } from "./secret-token.js";
export { type SourceIpOptions, TELEGRAM_SOURCE_RANGES } from "./source-ip.js";
export { isKnownUpdateType, type KnownUpdateType, type Update, type UpdateType } from "./update.js";
