import { connect, createServer, type Server, type Socket } from "node:net";

/** A TCP proxy on 127.0.0.1 whose connections can be cut, standing for a server that went away. */
export interface CutProxy {
  /** The port on 127.0.0.1 that clients connect to instead of the server's own. */
  readonly port: number;
  /** Resets every connection and refuses new ones (the port stops listening). */
  cut(): Promise<void>;
  /** Listens again on the same port. */
  restore(): Promise<void>;
  /** Stops the proxy and drops every connection through it. */
  close(): Promise<void>;
}

/** Starts a proxy to `host:targetPort` (a Redis server, for the store conformance suite's outage case). */
export async function startCutProxy(targetPort: number, host = "127.0.0.1"): Promise<CutProxy> {
  const sockets = new Set<Socket>();
  const make = (): Server =>
    createServer((client) => {
      const upstream = connect(targetPort, host);
      for (const socket of [client, upstream]) {
        sockets.add(socket);
        socket.on("close", () => sockets.delete(socket));
        socket.on("error", () => {
          client.destroy();
          upstream.destroy();
        });
      }
      client.pipe(upstream);
      upstream.pipe(client);
    });
  let server = make();
  const listen = (port: number) =>
    new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, "127.0.0.1", () => resolve());
    });
  await listen(0);
  const address = server.address();
  const port = typeof address === "object" && address !== null ? address.port : 0;
  const shut = () =>
    new Promise<void>((resolve) => {
      for (const socket of sockets) socket.resetAndDestroy();
      sockets.clear();
      server.close(() => resolve());
    });
  return {
    port,
    cut: shut,
    async restore() {
      server = make();
      await listen(port);
    },
    close: shut,
  };
}
