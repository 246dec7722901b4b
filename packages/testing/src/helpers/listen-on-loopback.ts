import type { Server } from "node:http";
import type { AddressInfo } from "node:net";

/** A server listening on loopback, from {@link listenOnLoopback}. */
export interface LoopbackServer {
  /** Its address without a trailing slash, e.g. `http://127.0.0.1:41234`. */
  readonly url: string;
  /** Its port. */
  readonly port: number;
  /** Stops it, cutting open keep-alive connections so that it does not wait for clients to hang up. */
  close(): Promise<void>;
}

/**
 * Starts a Node HTTP server (not yet listening) on a free port of 127.0.0.1 and resolves once it listens;
 * rejects when it cannot.
 *
 * @param server A server from `http.createServer(app)`, `http.createServer(koa.callback())`,
 *   `createAdaptorServer()` of `@hono/node-server`, or any other `node:http` server.
 * @example
 * const server = await listenOnLoopback(createServer(app));
 * await fetch(`${server.url}/bot`, { method: "POST", headers: telegramHeaders(), body });
 * await server.close();
 */
export function listenOnLoopback(server: Server): Promise<LoopbackServer> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      server.off("error", reject);
      const { port } = server.address() as AddressInfo;
      resolve({
        url: `http://127.0.0.1:${port}`,
        port,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            server.closeAllConnections();
          }),
      });
    });
  });
}
