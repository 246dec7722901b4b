/**
 * `@telehook/hono`: receive Telegram webhooks in a Hono 4 app, on Node (`@hono/node-server`), Bun, Deno,
 * Cloudflare Workers or any other fetch runtime. The middleware reads only the web `Request` and answers
 * what `@telehook/core` decides.
 *
 * @packageDocumentation
 *
 * @example
 * import { Hono } from "hono";
 * import { telegramWebhook } from "@telehook/hono";
 *
 * const app = new Hono();
 * app.post(
 *   "/bot",
 *   telegramWebhook({
 *     secretToken: process.env.WEBHOOK_SECRET,
 *     onUpdate: (update) => bot.handleUpdate(update),
 *   }),
 * );
 * export default app;
 */
import {
  createWebhookHandler,
  type WebhookControls,
  type WebhookOptions,
  type WebhookRequest,
  webhookControls,
} from "@telehook/core";
import { isPlainAnswer, usesPeerAddress } from "@telehook/core/internal";
import { type NodeRequest, toWebhookRequest } from "@telehook/node";
import type { Context, MiddlewareHandler } from "hono";
import type { StatusCode } from "hono/utils/http-status";

// What a user of this adapter needs from @telehook/core, so that it is imported from one place: the error
// class, the update and handler types, and the types its options and controls are made of.
export {
  type CloseResult,
  type DeliveryStore,
  type ErrorPolicy,
  type LogLevel,
  type Rejection,
  type RejectionReason,
  type SourceIpOptions,
  TelehookError,
  type TelehookErrorCode,
  type Update,
  type UpdateContext,
  type UpdateHandler,
  type UpdateType,
  type WebhookControls,
  type WebhookEvent,
  type WebhookInstrumentation,
  type WebhookLogger,
  type WebhookOptions,
  type WebhookRegistrationConfig,
  type WebhookRegistrationOutcome,
  type WebhookReply,
  type WebhookStats,
} from "@telehook/core";

/**
 * Options of the Hono `telegramWebhook`: the core's options and, for the `sourceIp` allowlist, how to learn
 * the peer's address on your runtime. The path comes from the route you mount the middleware on.
 * @see https://github.com/telehook/telehook#hono
 */
export interface HonoWebhookOptions extends WebhookOptions {
  /**
   * Tells the peer's address, which a web `Request` does not carry. Pass your runtime's Hono helper:
   * `getConnInfo` from `@hono/node-server/conninfo`, `hono/bun`, `hono/deno` or `hono/cloudflare-workers`.
   * Only the `sourceIp` allowlist uses it, and only when `sourceIp.trustedProxyHops` is 0: it is called
   * then alone, inside the pipeline, so a helper that throws (as node-server's does under `app.request()`)
   * is answered by the webhook's 500, never thrown into Hono.
   * @default undefined (no peer address: with `sourceIp` and no trusted proxy, every request is refused)
   * @see https://github.com/telehook/telehook#hono
   */
  getConnInfo?: (c: Context) => {
    /** The other end of the connection. */
    remote: {
      /** The peer's IP address as the runtime reports it; undefined when it does not know it. */
      address?: string | undefined;
    };
  };
}

/**
 * A Hono middleware (or handler) that answers Telegram's webhook requests.
 * It also carries the core handler and its controls: `close()` to drain before shutdown, `ready` and
 * `setWebhook()` for the webhook registration.
 */
export type HonoWebhookMiddleware = MiddlewareHandler & WebhookControls;

/**
 * Builds the Hono middleware. Use it as a route handler (`app.post("/bot", ...)`) or with
 * `app.use("/bot", ...)`: it answers every request Hono routes to it and never calls `next()`. Throws a
 * `TelehookError` at once when an option is wrong.
 *
 * @example
 * app.use("/bot", telegramWebhook({ secretToken, onUpdate: (update) => bot.handleUpdate(update) }));
 */
export function telegramWebhook(options: HonoWebhookOptions): HonoWebhookMiddleware {
  const { getConnInfo, ...webhookOptions } = options;
  const handler = createWebhookHandler(webhookOptions);
  const peerOf = usesPeerAddress(webhookOptions.sourceIp) ? getConnInfo : undefined;
  const middleware: MiddlewareHandler = async (c) => {
    const incoming = unreadNodeRequest(c.env);
    // On @hono/node-server: hand the core the Node request, whose stream it reads directly, rather than the
    // web Request that node-server builds around it. Elsewhere (Bun, Deno, Workers) the web Request.
    const { method, header, body } = incoming
      ? toWebhookRequest(incoming)
      : { method: c.req.raw.method, header: (name: string) => c.req.raw.headers.get(name), body: c.req.raw };
    const webhookRequest: WebhookRequest = {
      method,
      header,
      body,
      remoteAddress: undefined,
      // Called only when the deadline answers early: the request's own ctx.waitUntil on Workers.
      waitUntil: (promise) => {
        const context = executionContextOf(c);
        if (context) context.waitUntil(promise);
        else webhookOptions.waitUntil?.(promise);
      },
    };
    // The allowlist alone reads the peer, lazily, so that a helper that throws (node-server's under
    // app.request()) throws inside the core's error handling. Only then is it a getter: a request object
    // with an accessor measured ~15 µs slower per request on @hono/node-server (no allowlist, same run).
    if (peerOf) {
      Object.defineProperty(webhookRequest, "remoteAddress", { get: () => peerOf(c).remote.address });
    }
    const result = await handler.handle(webhookRequest);
    const status = result.status as StatusCode;
    // Both keep headers that earlier middleware set with c.header(). The usual answer, 200 with neither a
    // body nor a header, goes out through c.body as a bare route's does: node-server then sends it without
    // building a Headers object.
    if (isPlainAnswer(result)) return c.body(null, status);
    return c.newResponse(result.body === "" ? null : result.body, status, result.headers);
  };
  return Object.assign(middleware, webhookControls(handler));
}

/** The execution context the runtime gave this request (Workers' `ctx`), if any; Hono's getter throws without one. */
function executionContextOf(c: Context): { waitUntil(promise: Promise<unknown>): void } | undefined {
  try {
    const context = c.executionCtx;
    return typeof context?.waitUntil === "function" ? context : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The Node request behind a Hono context on `@hono/node-server` (`c.env.incoming`), when nothing has read
 * its body or started to (no middleware called `c.req.json()`, no stream attached). Elsewhere (Bun, Deno,
 * Workers, `app.request()`) there is none, and the web `Request` is read instead. Only properties are
 * read here, so nothing Node-specific is imported.
 */
function unreadNodeRequest(env: unknown): NodeRequest | undefined {
  const incoming = (env as { incoming?: unknown } | undefined)?.incoming as
    | (NodeRequest & { readableDidRead?: boolean })
    | undefined;
  if (
    typeof incoming !== "object" ||
    incoming === null ||
    typeof incoming.on !== "function" ||
    typeof incoming.listenerCount !== "function" ||
    typeof incoming.headers !== "object" ||
    incoming.readableDidRead !== false ||
    incoming.readableEnded ||
    incoming.listenerCount("data") > 0 ||
    incoming.listenerCount("readable") > 0
  ) {
    return undefined;
  }
  return incoming;
}
