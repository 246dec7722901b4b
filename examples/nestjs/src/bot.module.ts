import {
  type BeforeApplicationShutdown,
  type DynamicModule,
  Inject,
  type MiddlewareConsumer,
  Module,
  type NestModule,
} from "@nestjs/common";
import type { WebhookControls } from "@telehook/core";

/** The injection token of the webhook middleware, for code that wants `ready` or `setWebhook()`. */
export const BOT_WEBHOOK = Symbol("BOT_WEBHOOK");

/** A webhook middleware of either platform: `@telehook/express` on Express, `@telehook/node` on Fastify. */
export type WebhookMiddleware = ((req: never, res: never, next: (error?: unknown) => void) => void) &
  WebhookControls;

/**
 * The bot's module: Telegram's webhook is its middleware at `/bot`, so it answers before any guard, pipe,
 * controller or body parser of the app. On shutdown (`app.close()`, or a signal with `enableShutdownHooks()`)
 * it drains the updates still running, before the HTTP server closes.
 */
@Module({})
export class BotModule implements NestModule, BeforeApplicationShutdown {
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

  /**
   * Drains before Nest closes the HTTP server: the updates still running finish and get their answers, new
   * ones get 503 with Retry-After, and the server then finds its connections idle and closes at once.
   */
  async beforeApplicationShutdown(): Promise<void> {
    await this.webhook.close({ timeoutMs: 10_000 });
  }
}
