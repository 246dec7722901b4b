import { telegramWebhook } from "@telehook/hono";
import { describeFramingConformance } from "@telehook/testing/conformance";
import { Hono } from "hono";
import { listen, type NodeServerName } from "./servers.js";

for (const nodeServer of ["node-server 2", "node-server 1"] as NodeServerName[]) {
  describeFramingConformance(`hono on @hono/${nodeServer}`, async (options) => {
    const app = new Hono();
    const webhook = telegramWebhook(options);
    // Every method reaches the webhook: under app.post, a GET would get Hono's own 404.
    app.use("/bot", webhook);
    return listen(app, webhook, "/bot", nodeServer);
  });
}
