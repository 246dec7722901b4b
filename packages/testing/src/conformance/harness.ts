import { request as httpRequest } from "node:http";
import type { CloseResult, WebhookOptions } from "@telehook/core";

/** The part of a mounted middleware the suite drives directly: its graceful drain. */
export interface DrainableWebhook {
  /** Stops taking updates and waits for those running, as the middleware's own `close()` does. */
  close(options?: {
    /** How long to wait for running updates before giving up on them, in milliseconds. */
    timeoutMs?: number;
  }): Promise<CloseResult>;
}

/** One raw request the conformance suite sends. */
export interface ConformanceRequest {
  /** The HTTP method, e.g. `"POST"` or `"GET"`. */
  readonly method: string;
  /** The path below the mount, `""` for the mount path itself. */
  readonly path?: string;
  /** The request headers by name. Over HTTP, a `Content-Length` is added only when none is given here. */
  readonly headers: Readonly<Record<string, string>>;
  /**
   * The body. An array is sent as separate chunks with `Transfer-Encoding: chunked` and no
   * `Content-Length`, the way a streaming client sends it.
   */
  readonly body?: string | Uint8Array | readonly (string | Uint8Array)[];
}

/** What came back, as a client sees it. */
export interface ConformanceResponse {
  /** The HTTP status code of the answer. */
  readonly status: number;
  /** Header values by lower-case name. */
  readonly headers: Readonly<Record<string, string | undefined>>;
  /** The whole response body, decoded as UTF-8; `""` when there was none. */
  readonly body: string;
}

/** A mounted webhook, ready to take requests. */
export interface MountedWebhook {
  /** Sends one request to the webhook and resolves with what it answered. */
  send(request: ConformanceRequest): Promise<ConformanceResponse>;
  /** The middleware itself, as the user holds it: `close()` drains it. */
  readonly webhook: DrainableWebhook;
  /** Stops the server or app the harness started. */
  close(): Promise<void>;
}

/** How an adapter takes part in the suite: mount the webhook with these options, in a fresh app. */
export interface ConformanceHarness {
  /** Builds a fresh app with the adapter's `telegramWebhook(options)` mounted in it. */
  mount(options: WebhookOptions): Promise<MountedWebhook>;
  /**
   * The address the webhook sees as the TCP peer of the suite's requests, where they arrive over a socket.
   * Given, the suite checks that the `sourceIp` allowlist reads it, and never `X-Forwarded-For` when no proxy
   * is trusted. Leave it out where the adapter has no peer to read (a fetch handler called in process).
   */
  readonly peerAddress?: string;
}

/** A server a harness started: its base URL (mount path included) and how to stop it. */
export interface StartedServer {
  /** e.g. `http://127.0.0.1:41234/bot` */
  readonly url: string;
  /** The middleware that was mounted, as `telegramWebhook()` returned it. */
  readonly webhook: DrainableWebhook;
  /** Stops the server and closes its open connections. */
  close(): Promise<void>;
}

/**
 * A harness for adapters that run behind a real listener: `start` builds the app with the webhook
 * mounted, listens on 127.0.0.1, and returns its URL. Requests then go over real HTTP on loopback.
 */
export function listenerHarness(
  start: (options: WebhookOptions) => Promise<StartedServer>,
): ConformanceHarness {
  return {
    // sendOverHttp connects to the server's URL, which a harness binds to 127.0.0.1.
    peerAddress: "127.0.0.1",
    async mount(options) {
      const server = await start(options);
      return {
        send: (request) => sendOverHttp(server.url, request),
        webhook: server.webhook,
        close: () => server.close(),
      };
    },
  };
}

/** A harness for anything with the fetch signature, such as `createFetchHandler` or a Hono app. */
export function fetchHarness(
  create: (options: WebhookOptions) => {
    /** Answers one request: the handler itself, or the app's `fetch` with the webhook mounted. */
    fetch: (request: Request) => Response | Promise<Response>;
    /** The mounted webhook, as `telegramWebhook()` or `createFetchHandler()` returned it. */
    webhook: DrainableWebhook;
  },
  base = "http://webhook.test/bot",
): ConformanceHarness {
  return {
    async mount(options) {
      const { fetch: handle, webhook } = create(options);
      return {
        webhook,
        async send(request) {
          const response = await handle(toFetchRequest(base, request));
          const headers: Record<string, string> = {};
          response.headers.forEach((value, name) => {
            headers[name] = value;
          });
          return { status: response.status, headers, body: await response.text() };
        },
        close: async () => {},
      };
    },
  };
}

function toFetchRequest(base: string, request: ConformanceRequest): Request {
  const { body } = request;
  const init: RequestInit & { duplex?: "half" } = { method: request.method, headers: { ...request.headers } };
  if (isChunked(body)) {
    const chunks = body.map((chunk) => (typeof chunk === "string" ? new TextEncoder().encode(chunk) : chunk));
    init.body = new ReadableStream<Uint8Array>({
      pull(controller) {
        const next = chunks.shift();
        if (next) controller.enqueue(next);
        else controller.close();
      },
    });
    init.duplex = "half";
  } else if (body !== undefined) {
    init.body = body as string | Uint8Array<ArrayBuffer>;
  }
  return new Request(base + (request.path ?? ""), init);
}

/** Sends one request with Node's HTTP client, keeping the exact framing the suite asks for. */
export function sendOverHttp(baseUrl: string, request: ConformanceRequest): Promise<ConformanceResponse> {
  const url = new URL(baseUrl + (request.path ?? ""));
  const { body } = request;
  const headers: Record<string, string> = { ...request.headers };
  if (body !== undefined && !isChunked(body) && !hasHeader(headers, "content-length")) {
    headers["content-length"] = String(typeof body === "string" ? Buffer.byteLength(body) : body.byteLength);
  }
  return new Promise((resolve, reject) => {
    const outgoing = httpRequest(
      {
        host: url.hostname,
        port: url.port,
        path: url.pathname + url.search,
        method: request.method,
        headers,
        agent: false,
      },
      (response) => {
        const parts: Buffer[] = [];
        response.on("data", (part: Buffer) => parts.push(part));
        response.on("end", () => {
          const received: Record<string, string | undefined> = {};
          for (const [name, value] of Object.entries(response.headers)) {
            received[name] = Array.isArray(value) ? value.join(", ") : value;
          }
          resolve({
            status: response.statusCode ?? 0,
            headers: received,
            body: Buffer.concat(parts).toString("utf8"),
          });
        });
        response.on("error", reject);
      },
    );
    outgoing.on("error", reject);
    if (isChunked(body)) for (const chunk of body) outgoing.write(chunk);
    else if (body !== undefined) outgoing.write(body);
    outgoing.end();
  });
}

function isChunked(body: ConformanceRequest["body"]): body is readonly (string | Uint8Array)[] {
  return Array.isArray(body);
}

function hasHeader(headers: Record<string, string>, name: string): boolean {
  return Object.keys(headers).some((key) => key.toLowerCase() === name);
}
