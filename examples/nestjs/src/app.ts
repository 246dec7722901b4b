import "reflect-metadata";
import type { INestApplication } from "@nestjs/common";
import { NestFactory } from "@nestjs/core";
import { ExpressAdapter } from "@nestjs/platform-express";
import { FastifyAdapter } from "@nestjs/platform-fastify";
import type { WebhookOptions } from "@telehook/core";
import { telegramWebhook } from "@telehook/express";
import { appModule } from "./app.module.js";
import type { WebhookMiddleware } from "./bot.module.js";
import { nodeWebhook } from "./node-webhook.js";

export type Platform = "express" | "fastify";

/**
 * The Nest app on `platform`, with the bot's webhook at `/bot`. On Express it is `@telehook/express`; on
 * Fastify, Nest runs a module's middleware on Node's raw request before Fastify reads the body, so it is the
 * core handler on `IncomingMessage` (`nodeWebhook`).
 */
export async function createApp(
  platform: Platform,
  options: WebhookOptions,
): Promise<{ app: INestApplication; webhook: WebhookMiddleware }> {
  const webhook: WebhookMiddleware = platform === "express" ? telegramWebhook(options) : nodeWebhook(options);
  const module = appModule(webhook, platform);
  const app =
    platform === "express"
      ? // Nest's global body parser would read the body before any middleware: off, see JsonBodyModule.
        await NestFactory.create(module, new ExpressAdapter(), { bodyParser: false, logger: false })
      : await NestFactory.create(module, new FastifyAdapter(), { logger: false });
  return { app, webhook };
}
