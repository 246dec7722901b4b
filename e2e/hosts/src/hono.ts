import { getRequestListener } from "@hono/node-server";
import { telegramWebhook } from "@telehook/hono";
import { Hono } from "hono";
import type { MountHost } from "./host.js";

/** Hono on @hono/node-server's request listener, which is what its `serve()` installs. */
export const mountHono: MountHost = (options, path) => {
  const app = new Hono();
  const webhook = telegramWebhook(options);
  app.post(path, webhook);
  return { listener: getRequestListener(app.fetch), webhook };
};
