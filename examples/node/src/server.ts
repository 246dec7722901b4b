/**
 * Runs the example: BOT_TOKEN=... WEBHOOK_SECRET=... PORT=3000 pnpm start
 * Then point Telegram at it with setWebhook: url https://<your host>/bot, secret_token $WEBHOOK_SECRET.
 */
import { createApp } from "./app.js";
import { createBot } from "./bot.js";

const token = requiredEnv("BOT_TOKEN");
const secretToken = requiredEnv("WEBHOOK_SECRET");
const port = Number(process.env.PORT ?? 3000);

const bot = createBot(token);
await bot.init(); // once, so that handling an update never waits for getMe
const { server, webhook } = createApp({ bot, secretToken });
server.listen(port, () => {
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
