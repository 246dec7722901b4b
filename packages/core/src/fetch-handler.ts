import { createWebhookHandler } from "./handler.js";
import type { WebhookOptions } from "./options.js";
import { type WebhookControls, webhookControls } from "./webhook-controls.js";

/** The webhook as a fetch handler, with the controls every adapter has (`close`, `ready`, `setWebhook`). */
export interface FetchWebhookHandler extends WebhookControls {
  /**
   * Answers one request. Pass `remoteAddress` when the `sourceIp` allowlist is on: the web `Request`
   * does not carry the peer's address (Deno's `info.remoteAddr.hostname`, Bun's `server.requestIP()`).
   */
  (request: Request, connection?: { remoteAddress?: string }): Promise<Response>;
}

/**
 * The webhook as a fetch handler, `(Request) => Promise<Response>`, for runtimes built on the web
 * `Request`/`Response`: Bun.serve, Deno.serve, Cloudflare Workers, Next.js route handlers.
 *
 * @example
 * const webhook = createFetchHandler({ secretToken, onUpdate: (update) => bot.handleUpdate(update) });
 * Deno.serve((request) => webhook(request));
 */
export function createFetchHandler(options: WebhookOptions): FetchWebhookHandler {
  const handler = createWebhookHandler(options);
  const fetchHandler = async (request: Request, connection?: { remoteAddress?: string }) => {
    const result = await handler.handle({
      method: request.method,
      header: (name) => request.headers.get(name),
      body: request,
      remoteAddress: connection?.remoteAddress,
    });
    return new Response(result.body === "" ? null : result.body, {
      status: result.status,
      headers: result.headers,
    });
  };
  return Object.assign(fetchHandler, webhookControls(handler));
}
