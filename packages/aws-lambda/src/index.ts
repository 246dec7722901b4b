/**
 * `@telehook/aws-lambda`: receive Telegram webhooks in an AWS Lambda function behind API Gateway (REST
 * and HTTP APIs), a function URL or an Application Load Balancer. The handler translates the event for
 * `@telehook/core` and returns the proxy result the event's source reads. It answers only once `onUpdate`
 * has finished, since Lambda freezes the environment after an answer.
 *
 * @packageDocumentation
 *
 * @example
 * import { telegramWebhook } from "@telehook/aws-lambda";
 *
 * export const handler = telegramWebhook({
 *   secretToken: process.env.WEBHOOK_SECRET,
 *   onUpdate: (update) => bot.handleUpdate(update),
 * });
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
export type { LambdaEventSource, LambdaHttpEvent } from "./lambda-event.js";
export {
  type LambdaContext,
  type LambdaWebhookHandler,
  type LambdaWebhookOptions,
  telegramWebhook,
} from "./lambda-webhook.js";
export type { LambdaHttpResult } from "./proxy-result.js";
