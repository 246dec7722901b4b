import type { Server } from "node:http";
import { createAdaptorServer as createServer2 } from "@hono/node-server";
import { createAdaptorServer as createServer1 } from "@hono/node-server1";
import { listenOnLoopback } from "@telehook/testing";
import type { DrainableWebhook, StartedServer } from "@telehook/testing/conformance";
import type { Hono } from "hono";

/** The majors of `@hono/node-server` the tests run on: 2 (what users install today) and 1. */
export type NodeServerName = "node-server 2" | "node-server 1";
export const NODE_SERVERS: Readonly<Record<NodeServerName, unknown>> = {
  "node-server 2": createServer2,
  "node-server 1": createServer1,
};

/**
 * Serves a Hono app with `@hono/node-server` (2 unless told) on a random loopback port; the URL includes
 * `mountPath`.
 */
export async function listen(
  app: Hono,
  webhook: DrainableWebhook,
  mountPath = "/bot",
  nodeServer: NodeServerName = "node-server 2",
): Promise<StartedServer> {
  const createServer = NODE_SERVERS[nodeServer] as typeof createServer2;
  const server = await listenOnLoopback(createServer({ fetch: app.fetch }) as Server);
  return { url: `${server.url}${mountPath}`, webhook, close: server.close };
}
