import { telegramWebhook } from "@telehook/node";
import type { MountHost } from "./host.js";

/** The listener itself, as `http.createServer(telegramWebhook({ path, ... }))`. */
export const mountNode: MountHost = (options, path) => {
  const webhook = telegramWebhook({ ...options, path });
  return { listener: webhook, webhook };
};
