import { type HonoWebhookMiddleware, telegramWebhook } from "@telehook/hono";
import { describeWebhookConformance, fetchHarness, listenerHarness } from "@telehook/testing/conformance";
import { Hono } from "hono";
import { listen } from "./servers.js";

/** Each way Hono can route to the webhook, with the path it ends up at. */
const MOUNTS: readonly (readonly [
  name: string,
  path: string,
  build: (webhook: HonoWebhookMiddleware) => Hono,
])[] = [
  [
    "app.use",
    "/bot",
    (webhook) => {
      const app = new Hono();
      app.use("/bot", webhook);
      return app;
    },
  ],
  [
    "app.all under basePath",
    "/api/bot",
    (webhook) => {
      const app = new Hono().basePath("/api");
      app.all("/bot", webhook);
      return app;
    },
  ],
  [
    "app.route",
    "/telegram/bot",
    (webhook) => {
      const telegram = new Hono();
      telegram.all("/bot", webhook);
      return new Hono().route("/telegram", telegram);
    },
  ],
];

for (const [name, path, build] of MOUNTS) {
  describeWebhookConformance(
    `hono, ${name}, app.request()`,
    fetchHarness((options) => {
      const webhook = telegramWebhook(options);
      const app = build(webhook);
      return { fetch: (request) => app.request(request), webhook };
    }, `http://webhook.test${path}`),
  );

  describeWebhookConformance(
    `hono, ${name}, @hono/node-server`,
    listenerHarness(async (options) => {
      const webhook = telegramWebhook(options);
      return listen(build(webhook), webhook, path);
    }),
  );
}
