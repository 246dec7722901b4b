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
export { TelehookError, type TelehookErrorCode } from "./errors.js";
export { createFetchHandler } from "./fetch-handler.js";
export { createWebhookHandler, type WebhookHandler, type WebhookRequest } from "./handler.js";
export type { UpdateContext, WebhookOptions } from "./options.js";
export type { BodyInput } from "./read-body.js";
export type { Rejection, RejectionReason } from "./rejection.js";
export type { WebhookResult } from "./result.js";
export { assertValidSecretToken, SECRET_TOKEN_HEADER } from "./secret-token.js";
export { isKnownUpdateType, type KnownUpdateType, type Update, type UpdateType } from "./update.js";
