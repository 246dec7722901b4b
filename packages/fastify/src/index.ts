/**
 * `@telehook/fastify`: receive Telegram webhooks in the Fastify 4 or 5 app you already run. The plugin
 * registers its own route, with a content-type parser scoped to it that hands the raw stream to
 * `@telehook/core`, which decides every answer. The app's own JSON parser keeps working elsewhere.
 *
 * @packageDocumentation
 *
 * @example
 * import Fastify from "fastify";
 * import { telegramWebhook } from "@telehook/fastify";
 *
 * const app = Fastify();
 * await app.register(telegramWebhook, {
 *   path: "/bot",
 *   secretToken: process.env.WEBHOOK_SECRET,
 *   onUpdate: (update) => bot.handleUpdate(update),
 * });
 * await app.listen({ port: 3000 });
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
} from "@telehook/core";
export { type FastifyWebhookOptions, telegramWebhook } from "./fastify-webhook.js";
