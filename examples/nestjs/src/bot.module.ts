import {
  type DynamicModule,
  Inject,
  type MiddlewareConsumer,
  Module,
  type NestModule,
  type OnApplicationShutdown,
} from "@nestjs/common";
import type { WebhookControls } from "@telehook/core";

/** The injection token of the webhook middleware, for code that wants `ready` or `setWebhook()`. */
export const BOT_WEBHOOK = Symbol("BOT_WEBHOOK");

/** A webhook middleware of either platform: `@telehook/express` on Express, `nodeWebhook` on Fastify. */
export type WebhookMiddleware = ((req: never, res: never, next: (error?: unknown) => void) => void) &
  WebhookControls;

/**
 * The bot's module: Telegram's webhook is its middleware at `/bot`, so it answers before any guard, pipe,
 * controller or body parser of the app. On shutdown (`app.close()`, or a signal with `enableShutdownHooks()`)
 * it drains the updates still running.
 */
@Module({})
export class BotModule implements NestModule, OnApplicationShutdown {
  constructor(@Inject(BOT_WEBHOOK) private readonly webhook: WebhookMiddleware) {}

  static forWebhook(webhook: WebhookMiddleware): DynamicModule {
    return {
      module: BotModule,
      providers: [{ provide: BOT_WEBHOOK, useValue: webhook }],
      exports: [BOT_WEBHOOK],
    };
  }

  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(this.webhook).forRoutes("bot");
  }

  async onApplicationShutdown(): Promise<void> {
    await this.webhook.close({ timeoutMs: 10_000 });
  }
}
