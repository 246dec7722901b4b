import type { RequestListener } from "node:http";
import { type NodeWebhookListener, telegramWebhook, type WebhookOptions } from "@telehook/node";
import { describeWebhookConformance, listenerHarness } from "@telehook/testing/conformance";
import bodyParser from "body-parser";
import connect from "connect";
import { listen } from "./servers.js";

type Mount = (options: WebhookOptions) => { listener: RequestListener; webhook: NodeWebhookListener };

/** Each way of serving the webhook must pass the whole suite. */
const MOUNTS: readonly (readonly [string, Mount])[] = [
  [
    "http.createServer",
    (options) => {
      const webhook = telegramWebhook({ ...options, path: "/bot" });
      return { listener: webhook, webhook };
    },
  ],
  [
    "connect, with a path",
    (options) => {
      const webhook = telegramWebhook({ ...options, path: "/bot" });
      return { listener: connect().use(webhook), webhook };
    },
  ],
  [
    "connect, mounted on /bot without a path",
    (options) => {
      const webhook = telegramWebhook(options);
      return { listener: connect().use("/bot", webhook), webhook };
    },
  ],
  [
    "connect, body-parser raw for JSON first",
    (options) => {
      const webhook = telegramWebhook({ ...options, path: "/bot" });
      const app = connect()
        .use(bodyParser.raw({ type: "application/json" }))
        .use(webhook);
      return { listener: app, webhook };
    },
  ],
];

for (const [name, mount] of MOUNTS) {
  describeWebhookConformance(
    `node, ${name}`,
    listenerHarness(async (options) => {
      const { listener, webhook } = mount(options);
      return listen(listener, webhook);
    }),
  );
}
