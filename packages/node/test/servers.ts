import { createServer, type RequestListener } from "node:http";
import { listenOnLoopback } from "@telehook/testing";
import type { DrainableWebhook, StartedServer } from "@telehook/testing/conformance";

/** Serves a request listener on a random loopback port; the URL includes `mountPath`. */
export async function listen(
  listener: RequestListener,
  webhook: DrainableWebhook,
  mountPath = "/bot",
): Promise<StartedServer> {
  const server = await listenOnLoopback(createServer(listener));
  return { url: `${server.url}${mountPath}`, webhook, close: server.close };
}
