import { Telegraf } from "telegraf";
import { message } from "telegraf/filters";

/**
 * The bot itself, written with Telegraf exactly as it would be for long polling: `/start` greets, any
 * other text is echoed back. Nothing here knows about webhooks.
 */
export function createBot(token: string, options?: { apiRoot?: string }): Telegraf {
  const bot = new Telegraf(token, options?.apiRoot ? { telegram: { apiRoot: options.apiRoot } } : {});
  bot.start((ctx) => ctx.reply("Hi! Send me any text and I will send it back."));
  bot.on(message("text"), (ctx) => ctx.reply(ctx.message.text));
  return bot;
}
