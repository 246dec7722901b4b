import { telegramWebhook } from "@telehook/hono";
import { describeFramingConformance } from "@telehook/testing/conformance";
import { Hono } from "hono";
import { listen } from "./servers.js";

describeFramingConformance("hono on @hono/node-server", async (options) => {
  const app = new Hono();
  const webhook = telegramWebhook(options);
  app.post("/bot", webhook);
  return listen(app, webhook);
});
