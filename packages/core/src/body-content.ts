import type { RejectionReason } from "./rejection.js";

/** The body as text, as an already-parsed value, or the reason it could not be had. */
export type BodyContent =
  | { readonly kind: "text"; readonly text: string }
  | { readonly kind: "value"; readonly value: unknown }
  | { readonly kind: "rejected"; readonly reason: RejectionReason };

const utf8 = new TextDecoder("utf-8", { fatal: true });
/** Encodes the string chunks of a stream, and measures a string body. */
export const encoder = new TextEncoder();

/** How much of a body to accept, and for how long to wait for it. */
export interface ReadLimits {
  /** Bytes. */
  readonly maxBytes: number;
  /** Milliseconds a streamed body may take to arrive in full (`bodyTimeoutMs`). */
  readonly timeoutMs: number;
}

export function rejected(reason: RejectionReason): BodyContent {
  return { kind: "rejected", reason };
}

/** Decodes a body's bytes as UTF-8 within the byte limit; invalid UTF-8 is rejected, never replaced. */
export function decode(bytes: Uint8Array, limit: number): BodyContent {
  if (bytes.byteLength > limit) return rejected("payload_too_large");
  try {
    return { kind: "text", text: utf8.decode(bytes) };
  } catch {
    return rejected("invalid_utf8");
  }
}

/** Joins a body's chunks into one array of `size` bytes. */
export function concat(parts: readonly Uint8Array[], size: number): Uint8Array {
  const all = new Uint8Array(size);
  let offset = 0;
  for (const part of parts) {
    all.set(part, offset);
    offset += part.byteLength;
  }
  return all;
}
