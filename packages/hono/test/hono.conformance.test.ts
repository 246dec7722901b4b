import { getConnInfo } from "@hono/node-server/conninfo";
import { getConnInfo as getConnInfo1 } from "@hono/node-server1/conninfo";
import { type HonoWebhookMiddleware, telegramWebhook } from "@telehook/hono";
import { describeWebhookConformance, fetchHarness, listenerHarness } from "@telehook/testing/conformance";
import { Hono } from "hono";
import { Hono as Hono40 } from "hono40";
import { listen, type NodeServerName } from "./servers.js";

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
    `hono, ${name}, @hono/node-server 2`,
    listenerHarness(async (options) => {
      // The peer's address, for the suite's sourceIp case, as the README tells node-server users to pass it.
      const webhook = telegramWebhook({ ...options, getConnInfo });
      return listen(build(webhook), webhook, path);
    }),
  );
}

// node-server 1 builds its requests differently (a web stream around the Node request): the suite runs on
// it once, under app.use, with the webhook on the Node request as on node-server 2.
const nodeServer1: NodeServerName = "node-server 1";
describeWebhookConformance(
  "hono, app.use, @hono/node-server 1",
  listenerHarness(async (options) => {
    const webhook = telegramWebhook({ ...options, getConnInfo: getConnInfo1 });
    const app = new Hono();
    app.use("/bot", webhook);
    return listen(app, webhook, "/bot", nodeServer1);
  }),
);

// Hono 4.0, the oldest minor of the peer range `^4.0.0`: the suite runs on it through app.request() and on
// @hono/node-server 2, under app.use. Its Hono is typed as the installed one's: what the test uses is the same.
const buildOn40 = (webhook: HonoWebhookMiddleware): Hono => {
  const app = new Hono40() as unknown as Hono;
  app.use("/bot", webhook);
  return app;
};
describeWebhookConformance(
  "hono 4.0, app.use, app.request()",
  fetchHarness((options) => {
    const webhook = telegramWebhook(options);
    const app = buildOn40(webhook);
    return { fetch: (request) => app.request(request), webhook };
  }, "http://webhook.test/bot"),
);
describeWebhookConformance(
  "hono 4.0, app.use, @hono/node-server 2",
  listenerHarness(async (options) => {
    const webhook = telegramWebhook({ ...options, getConnInfo });
    return listen(buildOn40(webhook), webhook, "/bot");
  }),
);
