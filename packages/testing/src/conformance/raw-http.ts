// Hand-written on purpose: raw sockets, so the suite can send bytes no HTTP client would (framing attacks,
// timed pieces, floods) and see exactly what the server answers.
import { connect, type Socket } from "node:net";

/** What came back on a raw connection: every response's status, and whether the server closed it. */
export interface RawExchange {
  /** The status code of every `HTTP/1.x` status line in the answer, in order; empty when none came. */
  readonly statuses: number[];
  /** Everything the server sent back on the connection, as latin1 text (one character per byte). */
  readonly text: string;
  /** True when the server ended or reset the connection; false when the client stopped waiting first. */
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
  pieces: readonly (
    | string
    | Uint8Array
    | {
        /** Waits this many milliseconds before writing the next piece. */
        pauseMs: number;
      }
    | {
        /** Destroys the socket from the client's side and ends the exchange. */
        hangUp: true;
      }
  )[],
  waitMs = 1500,
): Promise<RawExchange> {
  const started = Date.now();
  let firstByteMs: number | undefined;
  let closedByServer = false;
  return rawConnection(url, waitMs, {
    onData: () => {
      firstByteMs ??= Date.now() - started;
    },
    onServerClosed: () => {
      closedByServer = true;
    },
    result: (received) => ({ ...answered(received), closedByServer, firstByteMs }),
    onConnect: async (socket, connection) => {
      for (const piece of pieces) {
        if (connection.settled) return;
        if (typeof piece === "object" && "pauseMs" in piece) {
          await new Promise((wake) => setTimeout(wake, piece.pauseMs));
        } else if (typeof piece === "object" && "hangUp" in piece) {
          socket.destroy();
          connection.finish();
          return;
        } else {
          socket.write(piece);
        }
      }
    },
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

/** What a flood of body bytes found: the answers, and how much the server took before it hung up. */
export interface FloodExchange {
  /** The status code of every `HTTP/1.x` status line in the answer, in order; empty when none came. */
  readonly statuses: number[];
  /** Body bytes the client's socket accepted (the server's kernel buffers included) before it stopped. */
  readonly bytesWritten: number;
  /** True when the server ended or reset the connection; false when the client gave up first. */
  readonly closedByServer: boolean;
  /** Milliseconds from the first response byte to the server closing, or `null` when either never came. */
  readonly closedAfterAnswerMs: number | null;
}

/**
 * Sends a request head, then body bytes as fast as the server takes them (`chunk` repeated, `pauseMs`
 * between writes when given, to trickle like slowloris), until the server closes the connection, the
 * client has written `maxBytes`, or `waitMs` passes. For checking that a server stops reading a body it
 * has already refused.
 */
export function floodExchange(
  url: string,
  head: string,
  {
    chunk,
    maxBytes,
    waitMs,
    pauseMs = 0,
  }: { chunk: string; maxBytes: number; waitMs: number; pauseMs?: number },
): Promise<FloodExchange> {
  const piece = Buffer.from(chunk);
  let bytesWritten = 0;
  let closedByServer = false;
  let answeredAt: number | null = null;
  let closedAt: number | null = null;
  return rawConnection(url, waitMs, {
    onData: () => {
      answeredAt ??= performance.now();
    },
    onServerClosed: () => {
      closedByServer = true;
      closedAt = performance.now();
    },
    result: (received) => {
      const closedAfterAnswerMs = answeredAt !== null && closedAt !== null ? closedAt - answeredAt : null;
      return { statuses: answered(received).statuses, bytesWritten, closedByServer, closedAfterAnswerMs };
    },
    onConnect: async (socket, connection) => {
      socket.write(head);
      while (!connection.settled && bytesWritten < maxBytes) {
        const flushed = socket.write(piece);
        bytesWritten += piece.byteLength;
        if (pauseMs > 0) await new Promise((wake) => setTimeout(wake, pauseMs));
        else if (!flushed) await new Promise((wake) => socket.once("drain", wake).once("close", wake));
      }
    },
  });
}

/** What {@link rawConnection} tells the caller at each step, and how it builds the result. */
interface RawConnectionSteps<T> {
  onData(): void;
  /** The server ended or reset the connection (a reset after an answer still counts as closing). */
  onServerClosed(): void;
  result(received: readonly Buffer[]): T;
  onConnect(socket: Socket, connection: { readonly settled: boolean; finish(): void }): Promise<void>;
}

/**
 * One raw connection that settles once: with `result` when the server closes it, when the client hangs up
 * (`finish`), or after `waitMs`; rejected on a connection error other than a reset.
 */
function rawConnection<T>(url: string, waitMs: number, steps: RawConnectionSteps<T>): Promise<T> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect({ host: hostname, port: Number(port) });
    const received: Buffer[] = [];
    const connection = { settled: false, finish };
    function finish(): void {
      if (connection.settled) return;
      connection.settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(steps.result(received));
    }
    const serverClosed = () => {
      steps.onServerClosed();
      finish();
    };
    const timer = setTimeout(finish, waitMs);
    socket.on("data", (chunk: Buffer) => {
      steps.onData();
      received.push(chunk);
    });
    socket.on("end", serverClosed);
    socket.on("close", finish);
    socket.on("error", (error: NodeJS.ErrnoException) => {
      if (error.code === "ECONNRESET" || error.code === "EPIPE") serverClosed();
      else if (!connection.settled) {
        connection.settled = true;
        clearTimeout(timer);
        reject(error);
      }
    });
    socket.on("connect", () => void steps.onConnect(socket, connection));
  });
}

/** What came back, as text, and the status of every response in it. */
function answered(received: readonly Buffer[]): { text: string; statuses: number[] } {
  const text = Buffer.concat(received).toString("latin1");
  const statuses = [...text.matchAll(/HTTP\/1\.[01] (\d{3})/g)].map((match) => Number(match[1]));
  return { text, statuses };
}
