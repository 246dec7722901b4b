import { telegramWebhook } from "@telehook/hono";
import { describeFramingConformance } from "@telehook/testing/conformance";
import { Hono } from "hono";
import { listen } from "./servers.js";

describeFramingConformance("hono on @hono/node-server", async (options) => {
  const app = new Hono();
  const webhook = telegramWebhook(options);
  // Every method reaches the webhook: under app.post, a GET would get Hono's own 404.
  app.use("/bot", webhook);
  return listen(app, webhook);
});
