import { telegramWebhook } from "@telehook/express";
import type express from "express";
import type { MountHost } from "./host.js";

/** Express (either major, as the caller imported it) with the webhook as middleware on `path`. */
export const mountExpressOn =
  (create: typeof express): MountHost =>
  (options, path) => {
    const app = create();
    const webhook = telegramWebhook(options);
    app.use(path, webhook);
    return { listener: app, webhook };
  };
