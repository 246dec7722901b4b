import { bodyParser } from "@koa/bodyparser";
import Router from "@koa/router";
import { type KoaWebhookMiddleware, telegramWebhook } from "@telehook/koa";
import Koa from "koa";
import type { Telegraf } from "telegraf";

export interface AppOptions {
  /** The Telegraf bot; it must know its own profile (`bot.botInfo`) before updates arrive. */
  bot: Telegraf;
  /** The secret_token given to setWebhook. */
  secretToken: string;
}

/** The Koa app: the webhook at `/bot`, and the rest of the app behind it. */
export function createApp({ bot, secretToken }: AppOptions): { app: Koa; webhook: KoaWebhookMiddleware } {
  const app = new Koa();
  const webhook = telegramWebhook({
    path: "/bot",
    secretToken,
    // Telegraf types updates with @telegraf/types, telehook with @grammyjs/types: the same JSON.
    onUpdate: (update) => bot.handleUpdate(update as Parameters<Telegraf["handleUpdate"]>[0]),
  });
  // Mounted before the app's body parser, so a malformed request gets telehook's own answer.
  app.use(webhook);
  app.use(bodyParser());
  const router = new Router();
  router.get("/healthz", (ctx) => {
    ctx.body = { ok: true };
  });
  app.use(router.routes());
  return { app, webhook };
}
