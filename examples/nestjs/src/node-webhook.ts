import type { IncomingMessage, ServerResponse } from "node:http";
import {
  createWebhookHandler,
  type WebhookControls,
  type WebhookOptions,
  webhookControls,
} from "@telehook/core";

/** A Connect-style middleware on Node's own request and response, with the webhook's controls. */
export type NodeWebhookMiddleware = ((
  req: IncomingMessage,
  res: ServerResponse,
  next: (error?: unknown) => void,
) => void) &
  WebhookControls;

/**
 * The webhook as middleware on Node's `IncomingMessage`/`ServerResponse`, which is what Nest hands a module's
 * middleware on Fastify (through `@fastify/middie`, before Fastify reads the body). Core reads the raw
 * stream, with `maxBodyBytes` enforced while it streams, and decides the answer; this only writes it.
 */
export function nodeWebhook(options: WebhookOptions): NodeWebhookMiddleware {
  const handler = createWebhookHandler(options);
  const middleware = (req: IncomingMessage, res: ServerResponse, next: (error?: unknown) => void) => {
    handler
      .handle({
        method: req.method ?? "GET",
        header: (name) => {
          const value = req.headers[name];
          return Array.isArray(value) ? value.join(", ") : value;
        },
        body: req,
        remoteAddress: req.socket.remoteAddress,
      })
      .then(({ status, headers, body }) => {
        if (res.headersSent) return;
        res.writeHead(status, headers);
        res.end(body);
      })
      // Only a broken response object gets here; core itself never throws.
      .catch(next);
  };
  return Object.assign(middleware, webhookControls(handler));
}
