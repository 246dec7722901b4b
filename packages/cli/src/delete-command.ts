import { displayWebhookUrl } from "@telehook/core/internal";
import { botApi, COMMON_FLAGS, type WebhookCommand } from "./webhook-command.js";

/** `telehook delete [--drop-pending-updates]`: removes the webhook and says what happens to pending updates. */
export const deleteCommand: WebhookCommand = {
  flags: [...COMMON_FLAGS, "drop-pending-updates"],
  async run(context) {
    const client = botApi(context);
    const before = await client.getWebhookInfo();
    const drop = context.flags["drop-pending-updates"] === true;
    await client.deleteWebhook(drop ? { drop_pending_updates: true } : {});
    context.out(
      before.url
        ? `Webhook deleted: ${displayWebhookUrl(before.url)}\n`
        : "No webhook was set; nothing to delete.\n",
    );
    context.out(
      drop
        ? "Pending updates were dropped.\n"
        : `${before.pending_update_count} pending update(s) are kept for getUpdates or the next webhook.\n`,
    );
    return 0;
  },
};
