import "reflect-metadata";
import type { INestApplication } from "@nestjs/common";
import { NestFactory } from "@nestjs/core";
import { ExpressAdapter } from "@nestjs/platform-express";
import { FastifyAdapter } from "@nestjs/platform-fastify";
import type { WebhookOptions } from "@telehook/core";
import { telegramWebhook as expressWebhook } from "@telehook/express";
import { telegramWebhook as nodeWebhook } from "@telehook/node";
import { appModule } from "./app.module.js";
import type { WebhookMiddleware } from "./bot.module.js";

export type Platform = "express" | "fastify";

/**
 * The Nest app on `platform`, with the bot's webhook at `/bot`. On Express it is `@telehook/express`; on
 * Fastify, Nest runs a module's middleware on Node's raw request before Fastify reads the body, so it is
 * `@telehook/node`'s connect-style middleware, without a `path`: Nest's `forRoutes("bot")` chose it.
 */
export async function createApp(
  platform: Platform,
  options: WebhookOptions,
): Promise<{ app: INestApplication; webhook: WebhookMiddleware }> {
  const webhook: WebhookMiddleware = platform === "express" ? expressWebhook(options) : nodeWebhook(options);
  const module = appModule(webhook, platform);
  const app =
    platform === "express"
      ? // Nest's global body parser would read the body before any middleware: off, see JsonBodyModule.
        await NestFactory.create(module, new ExpressAdapter(), { bodyParser: false, logger: false })
      : await NestFactory.create(module, new FastifyAdapter(), { logger: false });
  return { app, webhook };
}
