import { startBotApiServer } from "./bot-api-server.js";
import { botHandle } from "./bot-handle.js";
import { DEFAULT_BOT_TOKEN, isWellFormedBotToken } from "./bot-token.js";
import { createScaledClock } from "./clock.js";
import { type BotSettings, EmulatedBot, type MethodHandler } from "./emulated-bot.js";
import type { TelegramEmulatorOptions } from "./emulator-options.js";
import { IdleTracker } from "./idle-tracker.js";
import type { EmulatedBotHandle, TelegramEmulator } from "./telegram-emulator.js";
import { UiServer } from "./ui-server.js";

/**
 * Starts a local Telegram Bot API server on a free port of 127.0.0.1. Point a bot's API root at
 * `emulator.apiRoot`, let it call setWebhook, then `sendUpdate` and watch what Telegram would do.
 *
 * @example
 * const emulator = await createTelegramEmulator({ timeScale: 0.001 });
 * await fetch(`${emulator.apiRoot}/bot${emulator.token}/setWebhook?url=${webhookUrl}`);
 * emulator.sendUpdate(updates.message({ text: "/start" }));
 * await emulator.waitForIdle();
 * expect(emulator.callsTo("sendMessage")).toHaveLength(1);
 * await emulator.close();
 */
export async function createTelegramEmulator(
  options: TelegramEmulatorOptions = {},
): Promise<TelegramEmulator> {
  const acceptToken = options.acceptToken ?? isWellFormedBotToken;
  const token = options.token ?? DEFAULT_BOT_TOKEN;
  if (!acceptToken(token)) {
    throw new TypeError("@telehook/testing: options.token must be a bot token that acceptToken accepts.");
  }
  const clock = options.clock ?? createScaledClock(options.timeScale ?? 1);
  const bots = new Map<string, EmulatedBot>();
  const handlers = new Map<string, MethodHandler>();
  const idle = new IdleTracker(
    () => {
      for (const bot of bots.values()) if (!bot.isIdle) return false;
      return true;
    },
    () =>
      [...bots.values()]
        .filter((bot) => !bot.isIdle)
        .map((bot) => bot.describe())
        .join("; "),
  );
  const settings: BotSettings = {
    clock,
    local: options.local ?? true,
    loopbackWebhooks: options.loopbackWebhooks ?? false,
    deadlineMs: options.deadlineMs ?? 60_000,
    setWebhookRateLimitMs: options.setWebhookRateLimitMs ?? 1000,
    random: options.random ?? Math.random,
    firstUpdateId: options.firstUpdateId,
    handlers,
    onChange: () => idle.changed(),
  };
  const defaultBot = new EmulatedBot(token, settings, options.botInfo);
  bots.set(token, defaultBot);
  let closed = false;

  const botFor = (candidate: string): EmulatedBot | undefined => {
    const existing = bots.get(candidate);
    if (existing !== undefined || closed || !acceptToken(candidate)) return existing;
    const created = new EmulatedBot(candidate, settings);
    bots.set(candidate, created);
    return created;
  };

  const ui = options.ui === true ? new UiServer(defaultBot) : undefined;
  const server = await startBotApiServer({
    host: options.host ?? "127.0.0.1",
    port: options.port ?? 0,
    botFor,
    otherRoutes: ui === undefined ? undefined : (request, response) => ui.handle(request, response),
  });

  const emulator: Omit<TelegramEmulator, keyof EmulatedBotHandle> = {
    apiRoot: server.url,
    clock,
    bot(candidate) {
      const bot = botFor(candidate);
      if (bot === undefined)
        throw new TypeError("@telehook/testing: that token is not accepted by the emulator.");
      return botHandle(bot);
    },
    onMethod(method, handler) {
      if (handler === undefined) handlers.delete(method.toLowerCase());
      else handlers.set(method.toLowerCase(), handler);
    },
    waitForIdle: (waitOptions) => idle.wait(waitOptions?.timeoutMs ?? 10_000),
    async close() {
      if (closed) return;
      closed = true;
      for (const bot of bots.values()) bot.shutdown();
      idle.abort("the emulator was closed while waiting for it to become idle");
      ui?.close();
      await server.close();
    },
  };
  // Copy the default bot's members as property descriptors, so getters such as `sent` stay live.
  return Object.defineProperties(
    emulator,
    Object.getOwnPropertyDescriptors(botHandle(defaultBot)),
  ) as TelegramEmulator;
}
