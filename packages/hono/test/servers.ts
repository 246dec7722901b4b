import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import type { DrainableWebhook, StartedServer } from "@telehook/testing/conformance";
import type { Hono } from "hono";

/** Serves a Hono app with `@hono/node-server` on a random loopback port; the URL includes `mountPath`. */
export function listen(app: Hono, webhook: DrainableWebhook, mountPath = "/bot"): Promise<StartedServer> {
  return new Promise((resolve) => {
    const server = serve({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" }, (info: AddressInfo) => {
      resolve({
        url: `http://127.0.0.1:${info.port}${mountPath}`,
        webhook,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            if ("closeAllConnections" in server) server.closeAllConnections();
          }),
      });
    });
  });
}
