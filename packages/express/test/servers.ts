import { createServer } from "node:http";
import { listenOnLoopback } from "@telehook/testing";
import type { DrainableWebhook, StartedServer } from "@telehook/testing/conformance";
import express from "express";
import express4 from "express4";

/** Every Express major the adapter supports, under one name each. */
export const EXPRESS_VERSIONS = [
  ["express 5", express],
  ["express 4", express4],
] as const;

export type ExpressFactory = (typeof EXPRESS_VERSIONS)[number][1];
export type ExpressApp = ReturnType<ExpressFactory>;

/** Listens on a random loopback port; the URL includes `mountPath`. */
export async function listen(
  app: ExpressApp,
  webhook: DrainableWebhook,
  mountPath = "/bot",
): Promise<StartedServer> {
  const server = await listenOnLoopback(createServer(app));
  return { url: `${server.url}${mountPath}`, webhook, close: server.close };
}
