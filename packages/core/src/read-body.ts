import { type BodyContent, concat, decode, encoder, type ReadLimits, rejected } from "./body-content.js";
import { http1, isNodeReadable, readNodeReadable } from "./read-node-readable.js";
import { cancelTimer, startTimer, type Timer } from "./timer.js";

export type { BodyContent, ReadLimits };

/**
 * A request body in any form a framework may hold it:
 * - a value a body parser already produced (a parsed object, a string, or bytes such as a Node `Buffer`);
 * - the unread body: a web `Request` (or anything with `arrayBuffer()`, `body` and `bodyUsed`), a web
 *   `ReadableStream`, a Node readable, or any async iterable of bytes or strings;
 * - `null` or `undefined` when there is no body.
 */
export type BodyInput =
  | string
  | Uint8Array
  | ArrayBuffer
  | ReadableStream<Uint8Array>
  | AsyncIterable<Uint8Array | string>
  | object
  | null
  | undefined;

/**
 * Reads a body of any form, stopping as soon as it grows past the byte limit or takes longer than the
 * time limit. Never throws. A body that is already in memory is answered synchronously, which keeps the
 * common path free of extra awaits. A streamed body gives a promise: its continuation runs in the
 * request's async context (OpenTelemetry's active span, for one), which a stream's own events do not.
 */
export function readBody(
  body: BodyInput,
  limits: ReadLimits,
  declaredLength?: number,
): BodyContent | Promise<BodyContent> {
  const limit = limits.maxBytes;
  if (body === null || body === undefined) return rejected("empty_body");
  if (typeof body === "string") return textWithin(body, limit);
  if (body instanceof Uint8Array) return decode(body, limit);
  if (body instanceof ArrayBuffer) return decode(new Uint8Array(body), limit);
  if (isWebBody(body)) {
    if (body.bodyUsed) return rejected("body_consumed");
    // With a length the runtime's HTTP parser enforces, one native read beats a reader loop in JS.
    if (declaredLength !== undefined) return readStream(fromArrayBuffer(body), limits);
    return body.body ? readStream(fromWebStream(body.body), limits) : rejected("empty_body");
  }
  if (isWebStream(body)) {
    return body.locked ? rejected("body_consumed") : readStream(fromWebStream(body), limits);
  }
  if (isNodeReadable(body)) {
    return body.readableEnded
      ? rejected("body_consumed")
      : readNodeReadable(body, limits, http1(body) ? declaredLength : undefined);
  }
  if (isAsyncIterable(body)) return readStream(fromAsyncIterable(body), limits);
  return { kind: "value", value: body };
}

function textWithin(text: string, limit: number): BodyContent {
  // A string's UTF-8 size is at least its length and at most three times it; measure only when unsure.
  if (text.length > limit || (text.length * 3 > limit && encoder.encode(text).byteLength > limit)) {
    return rejected("payload_too_large");
  }
  return { kind: "text", text };
}

/** Where a stream source delivers its chunks. `chunk` answers false once the reader wants no more. */
interface ChunkSink {
  chunk(chunk: Uint8Array | string): boolean;
  end(): void;
  fail(): void;
}

/** Starts a source pushing into the sink; returns how to stop it early. */
type StreamSource = (sink: ChunkSink) => () => void;

/**
 * Collects a streamed body within the byte limit and against the clock: a client that trickles its body
 * (slowloris) or stops half-way gets `body_timeout` instead of holding the request open. Settles once;
 * then the source is stopped if it is still going.
 */
function readStream(source: StreamSource, limits: ReadLimits): Promise<BodyContent> {
  return new Promise((receive) => {
    const parts: Uint8Array[] = [];
    let size = 0;
    let settled = false;
    let stopLater = false;
    let stop: (() => void) | undefined;
    let timer: Timer | undefined;
    const settle = (content: BodyContent, ended = false) => {
      if (settled) return;
      settled = true;
      cancelTimer(timer);
      // A source that ended has nothing left to stop (a Node stream's listeners then only hear a late
      // `close`, which does nothing now), so it is left alone.
      if (!ended) {
        if (stop) stop();
        else stopLater = true;
      }
      receive(content);
    };
    stop = source({
      chunk(chunk) {
        if (settled) return false;
        const bytes = typeof chunk === "string" ? encoder.encode(chunk) : chunk;
        size += bytes.byteLength;
        if (size > limits.maxBytes) {
          settle(rejected("payload_too_large"));
          return false;
        }
        parts.push(bytes);
        return true;
      },
      end() {
        if (settled) return;
        const bytes = parts.length === 1 ? (parts[0] as Uint8Array) : concat(parts, size);
        settle(decode(bytes, limits.maxBytes), true);
      },
      fail: () => settle(rejected("body_read_failed")),
    });
    // A source that was cut short synchronously has already settled; stop it now that `stop` is known.
    if (stopLater) stop();
    else if (!settled) timer = startTimer(limits.timeoutMs, () => settle(rejected("body_timeout")));
  });
}

function fromArrayBuffer(body: WebBodyLike): StreamSource {
  return (sink) => {
    let stopped = false;
    body.arrayBuffer().then(
      (buffer) => {
        if (stopped) return;
        if (sink.chunk(new Uint8Array(buffer))) sink.end();
      },
      () => sink.fail(),
    );
    return () => {
      stopped = true;
    };
  };
}

function fromWebStream(stream: ReadableStream<Uint8Array>): StreamSource {
  return (sink) => {
    const reader = stream.getReader();
    let stopped = false;
    const pump = async () => {
      for (;;) {
        const { done, value } = await reader.read();
        if (stopped) return;
        if (done) return sink.end();
        if (!sink.chunk(value)) return;
      }
    };
    pump().catch(() => sink.fail());
    return () => {
      stopped = true;
      // Tell the source we want no more; reached when the limit or the clock stopped the read.
      reader.cancel().catch(() => {});
    };
  };
}

function fromAsyncIterable(chunks: AsyncIterable<Uint8Array | string>): StreamSource {
  return (sink) => {
    const iterator = chunks[Symbol.asyncIterator]();
    let stopped = false;
    const pump = async () => {
      for (;;) {
        const { done, value } = await iterator.next();
        if (stopped) return;
        if (done) return sink.end();
        if (!sink.chunk(value)) return;
      }
    };
    pump().catch(() => sink.fail());
    return () => {
      if (stopped) return;
      stopped = true;
      iterator.return?.()?.catch(() => {});
    };
  };
}

interface WebBodyLike {
  readonly bodyUsed: boolean;
  readonly body: ReadableStream<Uint8Array> | null;
  arrayBuffer(): Promise<ArrayBuffer>;
}

function isWebBody(body: object): body is WebBodyLike {
  const candidate = body as Partial<WebBodyLike>;
  return typeof candidate.arrayBuffer === "function" && typeof candidate.bodyUsed === "boolean";
}

function isWebStream(body: object): body is ReadableStream<Uint8Array> {
  return typeof (body as ReadableStream).getReader === "function";
}

function isAsyncIterable(body: object): body is AsyncIterable<Uint8Array | string> {
  return typeof (body as AsyncIterable<unknown>)[Symbol.asyncIterator] === "function";
}
