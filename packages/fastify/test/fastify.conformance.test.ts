import { describeWebhookConformance, listenerHarness } from "@telehook/testing/conformance";
import { FASTIFY_VERSIONS, startFastify } from "./servers.js";

for (const [version, factory] of FASTIFY_VERSIONS) {
  describeWebhookConformance(
    `${version}, registered on /bot`,
    listenerHarness((options) => startFastify(factory, { ...options, path: "/bot" })),
  );
  describeWebhookConformance(
    `${version}, under a prefix beside the app's JSON routes`,
    listenerHarness((options) =>
      startFastify(
        factory,
        { ...options, path: "/bot" },
        (app) => void app.post("/api/echo", async (request) => request.body),
        "/telegram",
      ),
    ),
  );
}
