import { type LambdaWebhookHandler, telegramWebhook } from "@telehook/aws-lambda";
import type { Bot } from "grammy";

export interface AppOptions {
  /** The grammY bot. It must know its profile (`botInfo`, or `await bot.init()`) before updates arrive. */
  bot: Bot;
  /** The secret_token given to setWebhook. */
  secretToken: string;
}

/**
 * The Lambda handler. The answer waits until grammY has handled the update (Lambda freezes the function
 * after it answers); an update that takes longer than `deadlineMs` is answered 503 and Telegram sends it
 * again. Keep `deadlineMs` under the function's timeout, and under 29 s behind a REST API.
 */
export function createHandler({ bot, secretToken }: AppOptions): LambdaWebhookHandler {
  return telegramWebhook({
    secretToken,
    deadlineMs: 20_000,
    onUpdate: (update) => bot.handleUpdate(update),
  });
}
