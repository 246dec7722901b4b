import { type HonoWebhookMiddleware, telegramWebhook } from "@telehook/hono";
import { Hono } from "hono";
import { replyTo } from "./bot.js";

/** The Hono app: the webhook at `/bot`, and the rest of the app beside it. */
export function createApp({ secretToken }: { secretToken: string }): {
  app: Hono;
  webhook: HonoWebhookMiddleware;
} {
  const app = new Hono();
  const webhook = telegramWebhook({ secretToken, webhookReply: true, onUpdate: replyTo });
  app.post("/bot", webhook);
  app.get("/healthz", (c) => c.json({ ok: true }));
  return { app, webhook };
}
