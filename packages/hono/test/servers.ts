import type { AddressInfo } from "node:net";
import { serve as serve2 } from "@hono/node-server";
import { serve as serve1 } from "@hono/node-server1";
import type { DrainableWebhook, StartedServer } from "@telehook/testing/conformance";
import type { Hono } from "hono";

/** The majors of `@hono/node-server` the tests run on: 2 (what users install today) and 1. */
export type NodeServerName = "node-server 2" | "node-server 1";
export const NODE_SERVERS: Readonly<Record<NodeServerName, unknown>> = {
  "node-server 2": serve2,
  "node-server 1": serve1,
};

/**
 * Serves a Hono app with `@hono/node-server` (2 unless told) on a random loopback port; the URL includes
 * `mountPath`.
 */
export function listen(
  app: Hono,
  webhook: DrainableWebhook,
  mountPath = "/bot",
  nodeServer: NodeServerName = "node-server 2",
): Promise<StartedServer> {
  const serve = NODE_SERVERS[nodeServer] as typeof serve2;
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
