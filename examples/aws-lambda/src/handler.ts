/**
 * The function's entry: deploy with the handler `handler.handler` (Node.js 20 or later, ESM), behind a
 * function URL, an HTTP or REST API, or an ALB target group, with BOT_TOKEN and WEBHOOK_SECRET set.
 * Then point Telegram at it with setWebhook: url https://<your function URL>/, secret_token $WEBHOOK_SECRET.
 */
import { createHandler } from "./app.js";
import { createBot } from "./bot.js";

const bot = createBot(requiredEnv("BOT_TOKEN"));
await bot.init(); // once per execution environment, so that handling an update never waits for getMe

export const handler = createHandler({ bot, secretToken: requiredEnv("WEBHOOK_SECRET") });

function requiredEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`Set ${name} in the function's environment.`);
  return value;
}
