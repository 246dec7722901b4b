import { createServer, type RequestListener } from "node:http";
import type { AddressInfo } from "node:net";
import type { DrainableWebhook, StartedServer } from "@telehook/testing/conformance";

/** Serves a request listener on a random loopback port; the URL includes `mountPath`. */
export function listen(
  listener: RequestListener,
  webhook: DrainableWebhook,
  mountPath = "/bot",
): Promise<StartedServer> {
  return new Promise((resolve, reject) => {
    const server = createServer(listener).listen(0, "127.0.0.1");
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
