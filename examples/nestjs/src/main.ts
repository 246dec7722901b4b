// `pnpm --filter @telehook/example-nestjs start` (PLATFORM=fastify for Fastify). Needs WEBHOOK_SECRET.

import { createApp, type Platform } from "./app.js";
import { echo } from "./bot.js";

const platform = (process.env.PLATFORM ?? "express") as Platform;
const { app } = await createApp(platform, {
  secretToken: process.env.WEBHOOK_SECRET,
  webhookReply: true,
  onUpdate: (update) => echo(update),
});
app.enableShutdownHooks();
const port = Number(process.env.PORT ?? 3000);
await app.listen(port, "127.0.0.1");
console.log(`NestJS on ${platform}: Telegram's webhook at http://127.0.0.1:${port}/bot`);
