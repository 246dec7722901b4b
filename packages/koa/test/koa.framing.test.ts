import { telegramWebhook } from "@telehook/koa";
import { describeFramingConformance } from "@telehook/testing/conformance";
import { KOA_VERSIONS, listen } from "./servers.js";

for (const [version, Koa] of KOA_VERSIONS) {
  describeFramingConformance(version, async (options) => {
    const app = new Koa();
    const webhook = telegramWebhook({ ...options, path: "/bot" });
    app.use(webhook);
    return listen(app, webhook);
  });
}
