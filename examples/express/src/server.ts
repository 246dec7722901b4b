/**
 * Runs the example: BOT_TOKEN=... WEBHOOK_SECRET=... PORT=3000 pnpm start
 * Then point Telegram at it with setWebhook: url https://<your host>/bot, secret_token $WEBHOOK_SECRET.
 * TELEGRAM_API_ROOT switches to another Bot API server, such as a local one.
 */
import { createApp } from "./app.js";
import { createBot } from "./bot.js";

const token = requiredEnv("BOT_TOKEN");
const secretToken = requiredEnv("WEBHOOK_SECRET");
const port = Number(process.env.PORT ?? 3000);
const apiRoot = process.env.TELEGRAM_API_ROOT;

const bot = createBot(token, apiRoot ? { client: { apiRoot } } : undefined);
await bot.init(); // one getMe call, so that handling an update never waits for it
const { app, webhook } = createApp({ bot, secretToken });
const server = app.listen(port, () => {
  console.log(`@${bot.botInfo.username} receives updates on http://localhost:${port}/bot`);
});

// On shutdown, answer new updates 503 (Telegram sends them again later) and let those in flight finish.
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, async () => {
    await webhook.close({ timeoutMs: 20_000 });
    server.close();
  });
}

function requiredEnv(name: string): string {
  const value = process.env[name];
  if (!value) {
    console.error(`Set ${name} to run this example.`);
    process.exit(1);
  }
  return value;
}
