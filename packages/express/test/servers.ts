import type { AddressInfo } from "node:net";
import type { DrainableWebhook, StartedServer } from "@telehook/testing/conformance";
import express from "express";
import express4 from "express4";
import express418 from "express418";

/** Every Express major the adapter supports, at its latest and (Express 4) at the oldest minor the peer range allows. */
export const EXPRESS_VERSIONS = [
  ["express 5", express],
  ["express 4", express4],
  ["express 4.18", express418],
] as const;

export type ExpressFactory = (typeof EXPRESS_VERSIONS)[number][1];
export type ExpressApp = ReturnType<ExpressFactory>;

/** Listens on a random loopback port; the URL includes `mountPath`. */
export function listen(
  app: ExpressApp,
  webhook: DrainableWebhook,
  mountPath = "/bot",
): Promise<StartedServer> {
  return new Promise((resolve, reject) => {
    const server = app.listen(0, "127.0.0.1");
    server.once("error", reject);
    server.once("listening", () => {
      const { port } = server.address() as AddressInfo;
      resolve({
        url: `http://127.0.0.1:${port}${mountPath}`,
        webhook,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            server.closeAllConnections();
          }),
      });
    });
  });
}
