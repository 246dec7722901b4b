import { connect } from "node:net";

/** What came back on a raw connection: every response's status, and whether the server closed it. */
export interface RawExchange {
  readonly statuses: number[];
  readonly text: string;
  readonly closedByServer: boolean;
  /** Milliseconds from the start of the exchange to the first byte of the answer; undefined with none. */
  readonly firstByteMs: number | undefined;
}

/**
 * Writes bytes to the server exactly as given, optionally in timed pieces, and collects what comes back
 * until the server closes the connection or `waitMs` passes. For framing attacks that an HTTP client
 * would refuse to send.
 */
export function rawExchange(
  url: string,
  pieces: readonly (string | Uint8Array | { pauseMs: number } | { hangUp: true })[],
  waitMs = 1500,
): Promise<RawExchange> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect({ host: hostname, port: Number(port) });
    const received: Buffer[] = [];
    const started = Date.now();
    let firstByteMs: number | undefined;
    let closedByServer = false;
    let settled = false;
    const finish = () => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      const text = Buffer.concat(received).toString("latin1");
      const statuses = [...text.matchAll(/HTTP\/1\.[01] (\d{3})/g)].map((match) => Number(match[1]));
      resolve({ statuses, text, closedByServer, firstByteMs });
    };
    const timer = setTimeout(finish, waitMs);
    socket.on("data", (chunk: Buffer) => {
      firstByteMs ??= Date.now() - started;
      received.push(chunk);
    });
    socket.on("end", () => {
      closedByServer = true;
      finish();
    });
    socket.on("close", finish);
    socket.on("error", (error: NodeJS.ErrnoException) => {
      // A reset after the server answered still counts as the server closing.
      if (error.code === "ECONNRESET" || error.code === "EPIPE") {
        closedByServer = true;
        finish();
      } else if (!settled) {
        settled = true;
        clearTimeout(timer);
        reject(error);
      }
    });
    socket.on("connect", async () => {
      for (const piece of pieces) {
        if (settled) return;
        if (typeof piece === "object" && "pauseMs" in piece) {
          await new Promise((wake) => setTimeout(wake, piece.pauseMs));
        } else if (typeof piece === "object" && "hangUp" in piece) {
          socket.destroy();
          finish();
          return;
        } else {
          socket.write(piece);
        }
      }
    });
  });
}

/** The request head for a POST to the URL's path, with the given extra header lines. */
export function requestHead(url: string, headers: Record<string, string | string[]>): string {
  const { pathname, host } = new URL(url);
  const lines = [`POST ${pathname} HTTP/1.1`, `Host: ${host}`];
  for (const [name, value] of Object.entries(headers)) {
    for (const one of Array.isArray(value) ? value : [value]) lines.push(`${name}: ${one}`);
  }
  return `${lines.join("\r\n")}\r\n\r\n`;
}
