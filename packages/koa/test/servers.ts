import { createServer } from "node:http";
import { listenOnLoopback } from "@telehook/testing";
import type { DrainableWebhook, StartedServer } from "@telehook/testing/conformance";
import Koa from "koa";
import Koa2 from "koa2";

/** Every Koa major the adapter supports, under one name each. */
export const KOA_VERSIONS = [
  ["koa 3", Koa],
  ["koa 2", Koa2],
] as const;

export type KoaClass = (typeof KOA_VERSIONS)[number][1];

/** Listens on a random loopback port; the URL includes `mountPath`. */
export async function listen(
  app: Koa,
  webhook: DrainableWebhook,
  mountPath = "/bot",
): Promise<StartedServer> {
  const server = await listenOnLoopback(createServer(app.callback()));
  return { url: `${server.url}${mountPath}`, webhook, close: server.close };
}
