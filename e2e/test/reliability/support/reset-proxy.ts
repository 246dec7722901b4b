import { connect, createServer, type Server, type Socket } from "node:net";
import type { NetworkFault } from "./fault-plan.js";

/** What the proxy did, by fault, with the update ids it did it to. */
export interface ProxyStats {
  readonly requests: number;
  readonly faulted: Readonly<Record<Exclude<NetworkFault, "none">, readonly number[]>>;
}

/** A TCP proxy in front of the webhook server that breaks chosen requests. */
export interface ResetProxy {
  readonly port: number;
  stats(): ProxyStats;
  close(): Promise<void>;
}

const HEAD_END = Buffer.from("\r\n\r\n");
const UPDATE_ID = /"update_id":(\d+)/;

/**
 * Starts a proxy on 127.0.0.1 that forwards the emulator's connections to `targetPort`. It frames each
 * HTTP request (Content-Length; the emulator sends one request at a time per connection) and, the first
 * time it sees an update_id, asks `faultFor` what to do:
 * - `reset-before`: reset the emulator's connection (RST) and drop the request unseen;
 * - `cut-body`: forward the head and half the body, then reset both sides;
 * - `lose-answer`: forward the request, then reset the emulator's connection instead of passing on the answer.
 * Later copies of the same update pass untouched, so every update gets through eventually.
 */
export async function startResetProxy(
  targetPort: number,
  faultFor: (updateId: number) => NetworkFault,
): Promise<ResetProxy> {
  const seen = new Set<number>();
  const faulted = {
    "reset-before": [] as number[],
    "cut-body": [] as number[],
    "lose-answer": [] as number[],
  };
  const sockets = new Set<Socket>();
  let requests = 0;

  const server: Server = createServer((client) => {
    const upstream = connect(targetPort, "127.0.0.1");
    sockets.add(client);
    sockets.add(upstream);
    client.setNoDelay(true);
    upstream.setNoDelay(true);
    let buffered: Buffer = Buffer.alloc(0);
    let loseAnswer = false;

    const cutBoth = () => {
      client.resetAndDestroy();
      upstream.resetAndDestroy();
    };

    const forward = (request: Buffer, headLength: number, bodyLength: number) => {
      requests++;
      const match = UPDATE_ID.exec(request.subarray(headLength, headLength + 40).toString("latin1"));
      const id = match ? Number(match[1]) : Number.NaN;
      let fault: NetworkFault = "none";
      if (match && !seen.has(id)) {
        seen.add(id);
        fault = faultFor(id);
      }
      if (fault !== "none") faulted[fault].push(id);
      switch (fault) {
        case "none":
          upstream.write(request);
          return;
        case "reset-before":
          cutBoth();
          return;
        case "cut-body":
          upstream.write(request.subarray(0, headLength + Math.floor(bodyLength / 2)));
          setTimeout(cutBoth, 5);
          return;
        case "lose-answer":
          loseAnswer = true;
          upstream.write(request);
          return;
      }
    };

    client.on("data", (chunk: Buffer) => {
      buffered = buffered.length === 0 ? chunk : Buffer.concat([buffered, chunk]);
      for (;;) {
        const end = buffered.indexOf(HEAD_END);
        if (end === -1) return;
        const head = buffered.subarray(0, end).toString("latin1");
        const length = Number(/\r\ncontent-length:\s*(\d+)/i.exec(head)?.[1] ?? 0);
        const headLength = end + HEAD_END.length;
        if (buffered.length < headLength + length) return;
        const request = buffered.subarray(0, headLength + length);
        buffered = buffered.subarray(headLength + length);
        forward(request, headLength, length);
        if (client.destroyed) return;
      }
    });
    upstream.on("data", (chunk: Buffer) => {
      if (loseAnswer) {
        cutBoth();
        return;
      }
      client.write(chunk);
    });
    client.on("end", () => upstream.end());
    upstream.on("end", () => client.end());
    client.on("error", () => upstream.destroy());
    upstream.on("error", () => client.destroy());
    client.on("close", () => {
      sockets.delete(client);
      upstream.destroy();
    });
    upstream.on("close", () => {
      sockets.delete(upstream);
      if (!client.writableEnded) client.destroy();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  const port = typeof address === "object" && address !== null ? address.port : 0;
  return {
    port,
    stats: () => ({ requests, faulted }),
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
