import { ensureWebhook } from "@telehook/core";
import { displayWebhookUrl } from "@telehook/core/internal";
import { UsageError } from "./usage-error.js";
import { COMMON_FLAGS, CONFIG_FLAGS, type WebhookCommand, webhookOptions } from "./webhook-command.js";

/** `telehook set --url <url> ...`: registers the webhook, calling setWebhook only when something differs. */
export const setCommand: WebhookCommand = {
  flags: [...COMMON_FLAGS, ...CONFIG_FLAGS, "allow-unauthenticated", "drop-pending-updates", "force"],
  async run(context) {
    const { flags } = context;
    const secretToken = flags["secret-token"] ?? (context.env.WEBHOOK_SECRET || undefined);
    const allowUnauthenticated = flags["allow-unauthenticated"] === true;
    if (secretToken === undefined && !allowUnauthenticated) {
      throw new UsageError(
        "no secret token: set WEBHOOK_SECRET (or pass --secret-token), the same secret your webhook handler checks. To register without one, pass --allow-unauthenticated.",
      );
    }
    const drop = flags["drop-pending-updates"] === true;
    const result = await ensureWebhook({
      ...(await webhookOptions(context)),
      secretToken,
      allowUnauthenticated,
      dropPendingUpdates: drop,
      mode: flags.force || drop ? "always" : "if-changed",
    });
    const url = displayWebhookUrl(result.url);
    if (result.changed) {
      context.out(`Webhook set: ${url}\n`);
      for (const difference of result.differences) context.out(`  changed: ${difference.description}\n`);
      if (drop) context.out("Pending updates were dropped.\n");
    } else if (result.reason === "set_meanwhile") {
      context.out(`Webhook is set as configured (another caller set it meanwhile): ${url}\n`);
    } else {
      context.out(
        `Webhook is already set as configured; setWebhook was not called: ${url}\nUse --force to call it anyway.\n`,
      );
    }
    return 0;
  },
};
