/**
 * One instance of the bot: an Express server whose webhook shares its delivery store with every other
 * instance through Redis. Run several behind a load balancer; each needs:
 *   REDIS_URL=redis://… WEBHOOK_SECRET=… PORT=3000 INSTANCE=a npm run instance
 */
import { telegramWebhook } from "@telehook/express";
import { createRedisStore } from "@telehook/redis";
import express from "express";
import { Redis } from "ioredis";

const { REDIS_URL, WEBHOOK_SECRET, PORT = "3000", INSTANCE = String(process.pid) } = process.env;
if (!REDIS_URL || !WEBHOOK_SECRET) throw new Error("set REDIS_URL and WEBHOOK_SECRET");

// Your client, configured as you like: the store only runs its scripts on it.
const redis = new Redis(REDIS_URL);
const store = createRedisStore({ client: redis, prefix: "example-bot:" });

const app = express();
const webhook = telegramWebhook({
  secretToken: WEBHOOK_SECRET,
  store,
  onUpdate: async (update) => {
    const chat = update.message?.chat.id;
    console.log(`instance ${INSTANCE}: start update ${update.update_id} (chat ${chat})`);
    await new Promise((resolve) => setTimeout(resolve, 50)); // the bot's work
    console.log(`instance ${INSTANCE}: end update ${update.update_id} (chat ${chat})`);
  },
});
app.use("/bot", webhook);
const server = app.listen(Number(PORT), "127.0.0.1", () => {
  console.log(`instance ${INSTANCE}: listening on http://127.0.0.1:${PORT}/bot`);
  process.send?.("ready");
});

process.once("SIGTERM", async () => {
  await webhook.close({ timeoutMs: 10_000 });
  server.close();
  redis.disconnect();
});
