import { formatWebhookInfo } from "./format-info.js";
import { botApi, COMMON_FLAGS, shownInfo, type WebhookCommand } from "./webhook-command.js";

/** `telehook info [--json]`: prints getWebhookInfo. */
export const infoCommand: WebhookCommand = {
  flags: [...COMMON_FLAGS, "json"],
  async run(context) {
    const webhook = await botApi(context).getWebhookInfo();
    context.out(
      context.flags.json ? `${JSON.stringify(shownInfo(webhook), null, 2)}\n` : formatWebhookInfo(webhook),
    );
    return 0;
  },
};
