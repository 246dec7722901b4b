import type { IncomingMessage, ServerResponse } from "node:http";
import { createServer } from "node:http";
import type { WebhookControls } from "@telehook/core";
import { telegramWebhook } from "@telehook/fastify";
import type { FastifyInstance } from "fastify";
import type { MountHost } from "./host.js";

type Listener = (req: IncomingMessage, res: ServerResponse) => void;

/**
 * Fastify with the plugin registered. Fastify serves through the listener its `serverFactory` is given;
 * requests that come before `ready()` has loaded the plugin wait for it. The plugin's controls exist only
 * once it is loaded, so until then `close()`, `ready` and `setWebhook()` wait for it too.
 */
export const mountFastifyOn =
  (create: (options: object) => FastifyInstance): MountHost =>
  (options, path) => {
    let listener: Listener | undefined;
    const app = create({
      serverFactory: (handler: Listener) => {
        listener = handler;
        return createServer(handler);
      },
    });
    void app.register(telegramWebhook, { ...options, path });
    const loaded = Promise.resolve(app.ready()).then(() => app.telegramWebhook);
    let controls: WebhookControls | undefined;
    // A wrong option rejects ready() (Fastify's way of throwing at construction): `webhook.ready` tells it.
    void loaded.then(
      (c) => {
        controls = c;
      },
      () => {},
    );
    const ready = loaded.then((c) => c.ready);
    ready.catch(() => {});
    const webhook: WebhookControls = {
      get handler() {
        if (!controls) throw new Error("the Fastify plugin is not loaded yet");
        return controls.handler;
      },
      close: async (closeOptions) => (await loaded).close(closeOptions),
      ready,
      setWebhook: async () => (await loaded).setWebhook(),
      stats: () => {
        if (!controls) throw new Error("the Fastify plugin is not loaded yet");
        return controls.stats();
      },
    };
    return {
      listener: (req, res) => {
        if (listener) listener(req, res);
        else
          void loaded.then(
            () => listener?.(req, res),
            () => res.writeHead(500).end(),
          );
      },
      webhook,
    };
  };
