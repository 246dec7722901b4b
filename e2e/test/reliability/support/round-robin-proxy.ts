import { connect, createServer, type Server, type Socket } from "node:net";

/** A TCP load balancer on 127.0.0.1 in front of several webhook servers. */
export interface RoundRobinProxy {
  readonly port: number;
  /** Connections sent to each target port so far. */
  connections(): ReadonlyMap<number, number>;
  close(): Promise<void>;
}

/**
 * Hands each new connection to the next target in turn, as a layer-4 load balancer does; a target that
 * refuses (a killed instance, not back yet) is skipped for the next one. When every target refuses, the
 * client's connection is reset.
 */
export async function startRoundRobinProxy(targets: readonly number[]): Promise<RoundRobinProxy> {
  const sockets = new Set<Socket>();
  const counts = new Map<number, number>();
  let next = 0;

  const server: Server = createServer((client) => {
    sockets.add(client);
    client.on("close", () => sockets.delete(client));
    client.pause();
    const attempt = (tries: number) => {
      const port = targets[next++ % targets.length] as number;
      const upstream = connect(port, "127.0.0.1");
      sockets.add(upstream);
      upstream.on("close", () => sockets.delete(upstream));
      const refused = () => {
        upstream.destroy();
        if (tries + 1 < targets.length && !client.destroyed) attempt(tries + 1);
        else client.resetAndDestroy();
      };
      upstream.once("error", refused);
      upstream.once("connect", () => {
        upstream.off("error", refused);
        counts.set(port, (counts.get(port) ?? 0) + 1);
        client.setNoDelay(true);
        upstream.setNoDelay(true);
        upstream.on("error", () => client.destroy());
        client.on("error", () => upstream.destroy());
        upstream.on("close", () => client.destroy());
        client.on("close", () => upstream.destroy());
        client.pipe(upstream);
        upstream.pipe(client);
        client.resume();
      });
    };
    client.on("error", () => {});
    attempt(0);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  const port = typeof address === "object" && address !== null ? address.port : 0;
  return {
    port,
    connections: () => counts,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
