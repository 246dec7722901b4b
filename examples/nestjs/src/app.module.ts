import {
  Body,
  Controller,
  type DynamicModule,
  Get,
  type MiddlewareConsumer,
  Module,
  type NestModule,
  Post,
} from "@nestjs/common";
import express from "express";
import { BotModule, type WebhookMiddleware } from "./bot.module.js";

/** The rest of the app, beside the bot. */
@Controller()
export class NotesController {
  @Get("healthz")
  health() {
    return { ok: true };
  }

  @Post("notes")
  add(@Body() note: { text?: string }) {
    return { saved: note.text ?? null };
  }
}

/** The app's own body parser, kept off `/bot` so that the webhook gets the raw body (Express). */
@Module({})
export class JsonBodyModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(express.json()).exclude("bot").forRoutes(NotesController);
  }
}

/** The app's root module. */
@Module({})
export class AppModule {}

/** The root module with the bot's webhook at `/bot`. */
export function appModule(webhook: WebhookMiddleware, platform: "express" | "fastify"): DynamicModule {
  return {
    module: AppModule,
    // Fastify parses JSON for its own routes, after the middleware: no parser module there.
    imports: [BotModule.forWebhook(webhook), ...(platform === "express" ? [JsonBodyModule] : [])],
    controllers: [NotesController],
  };
}
