import { createServer, type Server } from "node:http";
import { type NodeWebhookListener, telegramWebhook } from "@telehook/node";
import type { Bot } from "grammy";

export interface AppOptions {
  /** The grammY bot. It must know its profile (`botInfo`, or `await bot.init()`) before updates arrive. */
  bot: Bot;
  /** The secret_token given to setWebhook. */
  secretToken: string;
}

/** A plain node:http server: the webhook at `/bot`, and 404 for every other path. */
export function createApp({ bot, secretToken }: AppOptions): {
  server: Server;
  webhook: NodeWebhookListener;
} {
  const webhook = telegramWebhook({
    path: "/bot",
    secretToken,
    onUpdate: (update) => bot.handleUpdate(update),
  });
  return { server: createServer(webhook), webhook };
}
