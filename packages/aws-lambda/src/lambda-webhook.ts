import {
  createWebhookHandler,
  TelehookError,
  type WebhookControls,
  type WebhookOptions,
  webhookControls,
} from "@telehook/core";
import { eventSource, type LambdaHttpEvent, toWebhookRequest } from "./lambda-event.js";
import { type LambdaHttpResult, toProxyResult } from "./proxy-result.js";

/**
 * Options of the Lambda `telegramWebhook`: the core's options and how to behave when the invocation's time
 * or the deadline runs out before `onUpdate` has finished.
 * @see https://github.com/telehook/telehook#aws-lambda
 */
export interface LambdaWebhookOptions extends WebhookOptions {
  /**
   * Lambda freezes the execution environment once the handler returns, so an update still running after
   * an early answer may never finish. By default the answer waits for `onUpdate` to finish: an update
   * still running at `deadlineMs` (or when the invocation's time runs out) is answered 503 with
   * `Retry-After`, and Telegram delivers it again. `true` answers 200 at `deadlineMs` as the other hosts
   * do, and the rest of the run happens only if this environment gets another invocation soon: an update
   * can then be lost.
   * @default false
   * @see https://github.com/telehook/telehook#aws-lambda
   */
  answerEarly?: boolean;
  /**
   * How long before the invocation's end (`context.getRemainingTimeInMillis()`) the handler answers at
   * the latest, in ms: an update that has not finished then is answered 503 with `Retry-After`, so the
   * answer never arrives after Lambda has stopped the invocation.
   * @default 1000
   * @see https://github.com/telehook/telehook#aws-lambda
   */
  marginMs?: number;
}

/** The part of the Lambda context object that telehook reads. `@types/aws-lambda`'s `Context` fits it. */
export interface LambdaContext {
  getRemainingTimeInMillis(): number;
}

/**
 * A Lambda handler for HTTP events (`export const handler = telegramWebhook(options)`). It also carries
 * the core handler and its controls: `close()`, `ready` and `setWebhook()` for the webhook registration.
 */
export type LambdaWebhookHandler = ((
  event: LambdaHttpEvent,
  context?: LambdaContext,
) => Promise<LambdaHttpResult>) &
  WebhookControls;

const DEFAULT_MARGIN_MS = 1000;
const SOURCE = "@telehook/aws-lambda";

/**
 * Builds the Lambda handler. Build it at module scope, so the dedupe window and the chat queues live as
 * long as the execution environment. Throws a `TelehookError` at once when an option is wrong.
 *
 * @example
 * export const handler = telegramWebhook({ secretToken, onUpdate: (update) => bot.handleUpdate(update) });
 */
export function telegramWebhook(options: LambdaWebhookOptions): LambdaWebhookHandler {
  const { answerEarly = false, marginMs = DEFAULT_MARGIN_MS, ...webhookOptions } = options;
  if (typeof answerEarly !== "boolean") {
    throw new TelehookError("invalid_options", "answerEarly must be true or false.", { source: SOURCE });
  }
  if (!Number.isSafeInteger(marginMs) || marginMs < 0) {
    throw new TelehookError(
      "invalid_options",
      "marginMs must be a whole number of milliseconds, 0 or more.",
      {
        source: SOURCE,
      },
    );
  }
  const handler = createWebhookHandler(webhookOptions);
  // The core answers: at deadlineMs an update still running is refused (503 still_running, Telegram sends
  // it again) unless answerEarly, and the invocation's end is a hard deadline either way.
  const whenRunningAtDeadline = answerEarly ? "acknowledge" : "refuse";

  const lambdaHandler = async (
    event: LambdaHttpEvent,
    context?: LambdaContext,
  ): Promise<LambdaHttpResult> => {
    const safeEvent: LambdaHttpEvent = event ?? {};
    const result = await handler.handle({
      ...toWebhookRequest(safeEvent),
      deadlineMs: remainingMs(context) - marginMs,
      whenRunningAtDeadline,
    });
    return toProxyResult(eventSource(safeEvent), result);
  };
  return Object.assign(lambdaHandler, webhookControls(handler));
}

function remainingMs(context: LambdaContext | undefined): number {
  if (typeof context?.getRemainingTimeInMillis !== "function") return Number.POSITIVE_INFINITY;
  const remaining = context.getRemainingTimeInMillis();
  return typeof remaining === "number" && !Number.isNaN(remaining) ? remaining : Number.POSITIVE_INFINITY;
}
