import type { IncomingHttpHeaders, IncomingMessage } from "node:http";
import type { Http2ServerRequest } from "node:http2";
import type { BodyInput, WebhookRequest } from "@telehook/core";

/** A request as Node's `http`, `https` and `http2` (compatibility API) servers hand it over. */
export type NodeRequest = IncomingMessage | Http2ServerRequest;

/**
 * Converts a Node request into the core's `WebhookRequest`: its method, its headers (a repeated header
 * reads as its values joined by `", "`, so two secret headers never match), its body and the TCP peer's
 * address.
 *
 * The body is the unread stream when nothing read it yet, which the core reads within `maxBodyBytes` and
 * `bodyTimeoutMs`. When a body parser already read it, pass what the parser kept as `kept` (a parsed
 * object, a string, or a Buffer); without one, the core answers the consumed stream with its
 * `body_consumed` error, which names the fix.
 *
 * The peer's address is read only when the core asks for it (the `sourceIp` allowlist), through a getter
 * on the result's prototype: a copy made with a spread must name `remoteAddress` itself.
 *
 * @example
 * const result = await handler.handle(toWebhookRequest(req, req.body));
 */
export function toWebhookRequest(req: NodeRequest, kept?: unknown): WebhookRequest {
  return new NodeWebhookRequest(req, bodyOf(req, kept));
}

/**
 * The conversion's result. The peer's address is a getter, read only by the `sourceIp` allowlist: Node
 * looks it up through the socket's handle, which cost about 600 instructions on every request when it was
 * read up front. Its one getter lives on the prototype, so every request has the same shape; `header` is
 * an own function, so that it may be taken off the object.
 */
class NodeWebhookRequest implements WebhookRequest {
  readonly method: string;
  readonly header: (name: string) => string | undefined;
  readonly headers: IncomingHttpHeaders;
  readonly body: BodyInput;
  readonly #req: NodeRequest;

  constructor(req: NodeRequest, body: BodyInput) {
    const headers = req.headers;
    this.method = req.method ?? "";
    this.header = (name) => headerOf(headers, name);
    this.headers = headers;
    this.body = body;
    this.#req = req;
  }

  get remoteAddress(): string | undefined {
    return this.#req.socket?.remoteAddress;
  }
}

function headerOf(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value.join(", ") : value;
}

function bodyOf(req: NodeRequest, kept: unknown): BodyInput {
  if (!req.readableEnded || kept === undefined || kept === null) return req;
  return kept as BodyInput;
}

/**
 * What a body parser of the body-parser family (`express.json()`, `express.raw()`, `express.text()`,
 * `body-parser` under connect) kept on `req.body`, or `undefined` when it kept nothing.
 *
 * body-parser 2 leaves `req.body` undefined on a request it did not read, so an empty object there is a
 * parsed `{}`. body-parser 1 sets `req.body = {}` on every request it sees and marks the ones it read
 * with `req._body`; say `placeholderEmptyObject: true` where body-parser 1 runs (Express 4), and its
 * empty object without the mark counts as nothing kept.
 */
export function bodyParserResult(
  req: NodeRequest & { body?: unknown; _body?: unknown },
  { placeholderEmptyObject = false }: { placeholderEmptyObject?: boolean } = {},
): unknown {
  const kept = req.body;
  if (placeholderEmptyObject && req._body !== true && isEmptyObject(kept)) return undefined;
  return kept;
}

function isEmptyObject(value: unknown): boolean {
  return (
    typeof value === "object" &&
    value !== null &&
    Object.getPrototypeOf(value) === Object.prototype &&
    Object.keys(value).length === 0
  );
}
