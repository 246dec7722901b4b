import {
  type ExpressWebhookMiddleware,
  type ExpressWebhookOptions,
  telegramWebhook,
} from "@telehook/express";
import express, { type Express } from "express";
import type { Bot } from "grammy";

export interface AppOptions {
  /** The grammY bot. It must know its profile (`botInfo`, or `await bot.init()`) before updates arrive. */
  bot: Bot;
  /** The secret_token given to setWebhook. */
  secretToken: string;
  /** Register the webhook with Telegram on start-up (token, public url, apiRoot, ...). */
  setWebhook?: ExpressWebhookOptions["setWebhook"];
}

/** The Express app: the webhook at `/bot`, and the rest of the app beside it. */
export function createApp({ bot, secretToken, setWebhook }: AppOptions): {
  app: Express;
  webhook: ExpressWebhookMiddleware;
} {
  const app = express();
  const webhook = telegramWebhook({
    secretToken,
    setWebhook,
    // Count outcomes for webhook.stats(), which the health route below serves.
    stats: true,
    onUpdate: (update) => bot.handleUpdate(update),
  });
  // Mounted before the app's body parser, so a malformed request gets telehook's own answer.
  app.use("/bot", webhook);
  app.use(express.json());
  app.get("/healthz", (_req, res) => {
    res.json({ ok: true });
  });
  // What the webhook did since start: outcomes, updates in flight and queued, the oldest run, the store.
  // `telehook check --health http://localhost:3000/health/webhook` reads it beside getWebhookInfo.
  app.get("/health/webhook", (_req, res) => {
    const stats = webhook.stats();
    res.status(stats.store.healthy ? 200 : 503).json(stats);
  });
  return { app, webhook };
}
