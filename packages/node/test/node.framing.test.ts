import { telegramWebhook } from "@telehook/node";
import { describeFramingConformance } from "@telehook/testing/conformance";
import connect from "connect";
import { listen } from "./servers.js";

describeFramingConformance("node:http", async (options) => {
  const webhook = telegramWebhook({ ...options, path: "/bot" });
  return listen(webhook, webhook);
});

describeFramingConformance("connect", async (options) => {
  const webhook = telegramWebhook({ ...options, path: "/bot" });
  return listen(connect().use(webhook), webhook);
});
