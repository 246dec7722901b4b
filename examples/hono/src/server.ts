/**
 * Runs the example on Node: WEBHOOK_SECRET=... PORT=3000 pnpm start
 * Then point Telegram at it with setWebhook: url https://<your host>/bot, secret_token $WEBHOOK_SECRET.
 * On Bun, Deno or Workers, export `app` (its `fetch`) instead of calling `serve`.
 */
import { serve } from "@hono/node-server";
import { createApp } from "./app.js";

const secretToken = process.env.WEBHOOK_SECRET;
if (!secretToken) {
  console.error("Set WEBHOOK_SECRET to run this example.");
  process.exit(1);
}
const port = Number(process.env.PORT ?? 3000);

const { app, webhook } = createApp({ secretToken });
const server = serve({ fetch: app.fetch, port }, (info) => {
  console.log(`Receiving updates on http://localhost:${info.port}/bot`);
});

// On shutdown, answer new updates 503 (Telegram sends them again later) and let those in flight finish.
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, async () => {
    await webhook.close({ timeoutMs: 20_000 });
    server.close();
  });
}
