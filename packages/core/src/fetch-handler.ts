import { createWebhookHandler } from "./handler.js";
import type { WebhookOptions } from "./options.js";

/**
 * The webhook as a fetch handler, `(Request) => Promise<Response>`, for runtimes built on the web
 * `Request`/`Response`: Bun.serve, Deno.serve, Cloudflare Workers, Next.js route handlers.
 *
 * @example
 * const webhook = createFetchHandler({ secretToken, onUpdate: (update) => bot.handleUpdate(update) });
 * Deno.serve((request) => webhook(request));
 */
export function createFetchHandler(options: WebhookOptions): (request: Request) => Promise<Response> {
  const handler = createWebhookHandler(options);
  return async (request) => {
    const result = await handler.handle({
      method: request.method,
      header: (name) => request.headers.get(name),
      body: request.body,
    });
    return new Response(result.body === "" ? null : result.body, {
      status: result.status,
      headers: result.headers,
    });
  };
}
