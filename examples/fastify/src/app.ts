import { telegramWebhook } from "@telehook/fastify";
import Fastify, { type FastifyInstance } from "fastify";
import type { Bot } from "grammy";

export interface AppOptions {
  /** The grammY bot. It must know its profile (`botInfo`, or `await bot.init()`) before updates arrive. */
  bot: Bot;
  /** The secret_token given to setWebhook. */
  secretToken: string;
}

/**
 * The Fastify app: the webhook at `/bot`, and the app's own JSON routes beside it. `app.close()` drains
 * the webhook; its controls are on `app.telegramWebhook`.
 */
export async function createApp({ bot, secretToken }: AppOptions): Promise<FastifyInstance> {
  const app = Fastify();
  await app.register(telegramWebhook, {
    path: "/bot",
    secretToken,
    onUpdate: (update) => bot.handleUpdate(update),
  });
  app.get("/healthz", async () => ({ ok: true }));
  return app;
}
