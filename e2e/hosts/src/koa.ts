import { telegramWebhook } from "@telehook/koa";
import Koa from "koa";
import type { MountHost } from "./host.js";

export const mountKoa: MountHost = (options, path) => {
  const app = new Koa();
  const webhook = telegramWebhook({ ...options, path });
  app.use(webhook);
  return { listener: app.callback(), webhook };
};
