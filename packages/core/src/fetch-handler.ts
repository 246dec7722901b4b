import { createWebhookHandler } from "./handler.js";
import type { WebhookOptions } from "./options.js";
import { type WebhookControls, webhookControls } from "./webhook-controls.js";

/**
 * What a runtime knows about one request besides the `Request` itself. Cloudflare Workers' `ctx` (the
 * third argument of `fetch`) fits as it is.
 */
export interface FetchRequestContext {
  /**
   * The peer's address, for the `sourceIp` allowlist: the web `Request` does not carry it (Deno's
   * `info.remoteAddr.hostname`, Bun's `server.requestIP()`).
   */
  readonly remoteAddress?: string | undefined;
  /**
   * Keeps the runtime alive for an update that is still running when the deadline answers: Workers'
   * `ctx.waitUntil`, Vercel's `waitUntil` from `@vercel/functions`, Next.js `after`. Called as a method of
   * this object. It takes the place of the `waitUntil` option for this request.
   */
  waitUntil?(promise: Promise<unknown>): void;
}

/** The webhook as a fetch handler, with the controls every adapter has (`close`, `ready`, `setWebhook`). */
export interface FetchWebhookHandler extends WebhookControls {
  /**
   * Answers one request. Pass the runtime's per-request context as the second argument: it carries the
   * peer's address and `waitUntil` (`export default { fetch: (request, env, ctx) => webhook(request, ctx) }`).
   */
  (request: Request, context?: FetchRequestContext): Promise<Response>;
}

/**
 * The webhook as a fetch handler, `(Request) => Promise<Response>`, for runtimes built on the web
 * `Request`/`Response`: Bun.serve, Deno.serve, Cloudflare Workers, Next.js route handlers.
 *
 * @example
 * const webhook = createFetchHandler({ secretToken, onUpdate: (update) => bot.handleUpdate(update) });
 * Deno.serve((request) => webhook(request));
 * export default { fetch: (request, env, ctx) => webhook(request, ctx) }; // Cloudflare Workers
 */
export function createFetchHandler(options: WebhookOptions): FetchWebhookHandler {
  const handler = createWebhookHandler(options);
  const fetchHandler = async (request: Request, context?: FetchRequestContext) => {
    const result = await handler.handle({
      method: request.method,
      header: (name) => request.headers.get(name),
      body: request,
      remoteAddress: context?.remoteAddress,
      waitUntil:
        typeof context?.waitUntil === "function" ? (promise) => context.waitUntil?.(promise) : undefined,
    });
    return new Response(result.body === "" ? null : result.body, {
      status: result.status,
      headers: result.headers,
    });
  };
  return Object.assign(fetchHandler, webhookControls(handler));
}
