import { Bot, type BotConfig, type Context, InlineKeyboard } from "grammy";

/**
 * The bot itself, written with grammY exactly as it would be for long polling: `/start` greets with a
 * button, the button answers, any other text is echoed back. Nothing here knows about webhooks.
 */
export function createBot(token: string, config?: BotConfig<Context>): Bot {
  const bot = new Bot(token, config);
  bot.command("start", (ctx) =>
    ctx.reply("Hi! Send me any text and I will send it back.", {
      reply_markup: new InlineKeyboard().text("Wave back 👋", "wave"),
    }),
  );
  bot.callbackQuery("wave", async (ctx) => {
    await ctx.answerCallbackQuery({ text: "👋" });
    await ctx.reply(`Nice to meet you, ${ctx.from.first_name}!`);
  });
  bot.on("message:text", (ctx) => ctx.reply(ctx.message.text));
  return bot;
}
