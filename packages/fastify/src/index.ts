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
export { type FastifyWebhookOptions, telegramWebhook } from "./fastify-webhook.js";
