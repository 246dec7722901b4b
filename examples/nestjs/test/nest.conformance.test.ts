import type { AddressInfo } from "node:net";
import { describeWebhookConformance, listenerHarness } from "@telehook/testing/conformance";
import { createApp, type Platform } from "../src/app.js";

for (const platform of ["express", "fastify"] as const satisfies readonly Platform[]) {
  describeWebhookConformance(
    `NestJS 11 on ${platform}, webhook as module middleware`,
    listenerHarness(async (options) => {
      const { app, webhook } = await createApp(platform, options);
      await app.listen(0, "127.0.0.1");
      const { port } = app.getHttpServer().address() as AddressInfo;
      return { url: `http://127.0.0.1:${port}/bot`, webhook, close: () => app.close() };
    }),
  );
}
