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
const app = await createApp({ bot, secretToken });
await app.listen({ port });
console.log(`@${bot.botInfo.username} receives updates on http://localhost:${port}/bot`);

// On shutdown, app.close() answers new updates 503 (Telegram sends them again later) and lets those in
// flight finish, through the plugin's onClose hook.
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => void app.close());
}

function requiredEnv(name: string): string {
  const value = process.env[name];
  if (!value) {
    console.error(`Set ${name} to run this example.`);
    process.exit(1);
  }
  return value;
}
