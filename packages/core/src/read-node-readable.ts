import { type BodyContent, concat, decode, encoder, type ReadLimits, rejected } from "./body-content.js";
import { cancelTimer, startTimer, type Timer } from "./timer.js";

/** What the core needs of a Node readable, such as an `IncomingMessage`. */
export interface NodeReadableLike {
  readonly readableEnded: boolean;
  on(event: string, listener: (...args: never[]) => void): unknown;
  removeListener(event: string, listener: (...args: never[]) => void): unknown;
}

export function isNodeReadable(body: object): body is NodeReadableLike {
  const candidate = body as Partial<NodeReadableLike>;
  return (
    typeof candidate.readableEnded === "boolean" &&
    typeof candidate.on === "function" &&
    typeof candidate.removeListener === "function"
  );
}

/**
 * An HTTP/1 request of Node's server, whose parser ends the body by itself once the declared length has
 * come. (HTTP/2 waits for the client's end of stream, so a client could hold a complete body open.)
 */
export function http1(body: object): boolean {
  return (body as { httpVersionMajor?: unknown }).httpVersionMajor === 1;
}

const EMPTY = new Uint8Array(0);

/**
 * Reads a Node readable through its events, which costs far less than its async iterator, within the byte
 * limit and against the clock (`body_timeout` for a client that trickles its body or stops half-way).
 * Settles once. Stopping early only detaches: the stream keeps flowing and discards the rest, so the socket
 * stays usable and a 413 still reaches the client. The listeners of a stream that ended are left on it:
 * they then only hear a late `close`, which does nothing.
 *
 * The clock starts a microtask later, and only if it is still needed. By then a Node HTTP/1 server has
 * handed over the body bytes that came in the same read as the headers: when they are all of the declared
 * `Content-Length`, the usual small webhook, nothing is left to wait for but the stream's end, which the
 * parser brings without the client's help, so no timer is set at all. `declaredLength` is given only for
 * such a request.
 *
 * The answer is a promise, not a callback: its continuation runs in the request's async context
 * (OpenTelemetry's active span, for one), which the stream's own events do not carry.
 */
export function readNodeReadable(
  stream: NodeReadableLike,
  limits: ReadLimits,
  declaredLength: number | undefined,
): Promise<BodyContent> {
  return new Promise((receive) => {
    let first: Uint8Array | undefined;
    let rest: Uint8Array[] | undefined;
    let size = 0;
    let settled = false;
    let timer: Timer | undefined;
    const settle = (content: BodyContent, ended: boolean) => {
      if (settled) return;
      settled = true;
      cancelTimer(timer);
      if (!ended) {
        stream.removeListener("data", onData);
        stream.removeListener("end", onEnd);
        stream.removeListener("error", onFail);
        stream.removeListener("close", onFail);
      }
      receive(content);
    };
    const onData = (chunk: Uint8Array | string) => {
      if (settled) return;
      const bytes = typeof chunk === "string" ? encoder.encode(chunk) : chunk;
      size += bytes.byteLength;
      if (size > limits.maxBytes) settle(rejected("payload_too_large"), false);
      else if (first === undefined) first = bytes;
      else if (rest) rest.push(bytes);
      else rest = [first, bytes];
    };
    const onEnd = () => {
      const bytes = rest ? concat(rest, size) : (first ?? EMPTY);
      settle(decode(bytes, limits.maxBytes), true);
    };
    const onFail = () => settle(rejected("body_read_failed"), false);
    // `data` last: a stream that hands over chunks at once finds every other listener in place.
    stream.on("end", onEnd);
    stream.on("error", onFail);
    stream.on("close", onFail);
    stream.on("data", onData);
    // A promise job, not queueMicrotask: Node wraps the latter in an async resource, which costs more.
    void Promise.resolve().then(() => {
      if (!settled && size !== declaredLength) {
        timer = startTimer(limits.timeoutMs, () => settle(rejected("body_timeout"), false));
      }
    });
  });
}
