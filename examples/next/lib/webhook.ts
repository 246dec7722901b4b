import { createFetchHandler, type FetchWebhookHandler } from "@telehook/core";
import { handleUpdate } from "./bot";

let webhook: FetchWebhookHandler | undefined;

/**
 * The webhook, built on the first request: `next build` loads the route module without the runtime's
 * environment, and `createFetchHandler` refuses to start without a secret.
 */
export function botWebhook(): FetchWebhookHandler {
  webhook ??= createFetchHandler({
    secretToken: process.env.WEBHOOK_SECRET,
    // Answer Telegram well before its timeout; a slower update goes on in after().
    deadlineMs: Number(process.env.WEBHOOK_DEADLINE_MS ?? 5000),
    onUpdate: (update) => handleUpdate(update),
  });
  return webhook;
}
