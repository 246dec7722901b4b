import type { RejectionReason } from "./rejection.js";

/**
 * A request body in any form a framework may hold it:
 * - a value a body parser already produced (a parsed object, a string, or bytes such as a Node `Buffer`);
 * - the unread body: a web `ReadableStream`, a Node readable, or any async iterable of bytes or strings;
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

/** The body as text, as an already-parsed value, or the reason it could not be had. */
export type BodyContent =
  | { readonly kind: "text"; readonly text: string }
  | { readonly kind: "value"; readonly value: unknown }
  | { readonly kind: "rejected"; readonly reason: RejectionReason };

const utf8 = new TextDecoder("utf-8", { fatal: true });
const encoder = new TextEncoder();

/** How much of a body to accept, and for how long to wait for it. */
export interface ReadLimits {
  /** Bytes. */
  readonly maxBytes: number;
  /** Milliseconds for a streamed body to arrive in full. */
  readonly timeoutMs: number;
}

/**
 * Reads a body of any form, stopping as soon as it grows past the byte limit or takes longer than the
 * time limit. Never throws. A body that is already in memory is answered synchronously, which keeps the
 * common path free of extra awaits.
 */
export function readBody(body: BodyInput, limits: ReadLimits): BodyContent | Promise<BodyContent> {
  const limit = limits.maxBytes;
  if (body === null || body === undefined) return rejected("empty_body");
  if (typeof body === "string") return textWithin(body, limit);
  if (body instanceof Uint8Array) return decode(body, limit);
  if (body instanceof ArrayBuffer) return decode(new Uint8Array(body), limit);
  if (isWebStream(body)) return body.locked ? rejected("body_consumed") : readWithin(webChunks(body), limits);
  if (isNodeReadable(body)) {
    if (body.readableEnded) return rejected("body_consumed");
    // Stop reading past the limit without destroying the socket, so the 413 still reaches the client.
    return readWithin(body.iterator({ destroyOnReturn: false }), limits);
  }
  if (isAsyncIterable(body)) return readWithin(body, limits);
  return { kind: "value", value: body };
}

function rejected(reason: RejectionReason): BodyContent {
  return { kind: "rejected", reason };
}

function textWithin(text: string, limit: number): BodyContent {
  // A string's UTF-8 size is at least its length and at most three times it; measure only when unsure.
  if (text.length > limit || (text.length * 3 > limit && encoder.encode(text).byteLength > limit)) {
    return rejected("payload_too_large");
  }
  return { kind: "text", text };
}

function decode(bytes: Uint8Array, limit: number): BodyContent {
  if (bytes.byteLength > limit) return rejected("payload_too_large");
  try {
    return { kind: "text", text: utf8.decode(bytes) };
  } catch {
    return rejected("invalid_utf8");
  }
}

/**
 * Reads a stream against the clock: a client that trickles its body (slowloris) or stops half-way gets
 * `body_timeout` instead of holding the request open. The reader stops at its next chunk.
 */
async function readWithin(
  chunks: AsyncIterable<Uint8Array | string>,
  limits: ReadLimits,
): Promise<BodyContent> {
  const clock = { expired: false };
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<BodyContent>((resolve) => {
    timer = setTimeout(() => {
      clock.expired = true;
      resolve(rejected("body_timeout"));
    }, limits.timeoutMs);
  });
  try {
    return await Promise.race([readChunks(chunks, limits.maxBytes, clock), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

async function readChunks(
  chunks: AsyncIterable<Uint8Array | string>,
  limit: number,
  clock: { readonly expired: boolean },
): Promise<BodyContent> {
  const parts: Uint8Array[] = [];
  let size = 0;
  try {
    for await (const chunk of chunks) {
      if (clock.expired) return rejected("body_timeout");
      const bytes = typeof chunk === "string" ? encoder.encode(chunk) : chunk;
      size += bytes.byteLength;
      if (size > limit) return rejected("payload_too_large");
      parts.push(bytes);
    }
  } catch {
    return rejected("body_read_failed");
  }
  return decode(parts.length === 1 ? (parts[0] as Uint8Array) : concat(parts, size), limit);
}

function concat(parts: readonly Uint8Array[], size: number): Uint8Array {
  const all = new Uint8Array(size);
  let offset = 0;
  for (const part of parts) {
    all.set(part, offset);
    offset += part.byteLength;
  }
  return all;
}

async function* webChunks(stream: ReadableStream<Uint8Array>): AsyncGenerator<Uint8Array> {
  const reader = stream.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      yield value;
    }
  } finally {
    // Reached when the limit stops the loop early: tell the source we want no more.
    reader.cancel().catch(() => {});
  }
}

function isWebStream(body: object): body is ReadableStream<Uint8Array> {
  return typeof (body as ReadableStream).getReader === "function";
}

interface NodeReadableLike extends AsyncIterable<Uint8Array | string> {
  readonly readableEnded: boolean;
  iterator(options: { destroyOnReturn: boolean }): AsyncIterable<Uint8Array | string>;
}

function isNodeReadable(body: object): body is NodeReadableLike {
  const candidate = body as Partial<NodeReadableLike>;
  return typeof candidate.readableEnded === "boolean" && typeof candidate.iterator === "function";
}

function isAsyncIterable(body: object): body is AsyncIterable<Uint8Array | string> {
  return typeof (body as AsyncIterable<unknown>)[Symbol.asyncIterator] === "function";
}
