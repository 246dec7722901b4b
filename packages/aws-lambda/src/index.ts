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
export {
  eventSource,
  type LambdaEventSource,
  type LambdaHttpEvent,
  toWebhookRequest,
} from "./lambda-event.js";
export {
  type LambdaContext,
  type LambdaWebhookHandler,
  type LambdaWebhookOptions,
  telegramWebhook,
} from "./lambda-webhook.js";
export { type LambdaHttpResult, toProxyResult } from "./proxy-result.js";
