/// <reference path="./express4.d.ts" />
import { telegramWebhook } from "@telehook/express";
import express from "express";
import express4 from "express4";
import type { MountHost } from "./host.js";

const mountOn =
  (create: typeof express): MountHost =>
  (options, path) => {
    const app = create();
    const webhook = telegramWebhook(options);
    app.use(path, webhook);
    return { listener: app, webhook };
  };

export const mountExpress5 = mountOn(express);
export const mountExpress4 = mountOn(express4);
