import { telegramWebhook } from "@telehook/express";
import { describeFramingConformance } from "@telehook/testing/conformance";
import { EXPRESS_VERSIONS, listen } from "./servers.js";

for (const [version, express] of EXPRESS_VERSIONS) {
  describeFramingConformance(version, async (options) => {
    const app = express();
    const webhook = telegramWebhook(options);
    app.use("/bot", webhook);
    return listen(app, webhook);
  });
}
