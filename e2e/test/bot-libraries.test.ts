import type { UpdateHandler } from "@telehook/core";
import { BotApiError, type RecordedCall, type TelegramEmulator, updates } from "@telehook/testing";
import { Bot, InlineKeyboard } from "grammy";
import { Telegraf } from "telegraf";
import { message } from "telegraf/filters";
import { describe, test } from "vitest";
import { type Cleanup, createCleanup } from "./helpers/cleanup.js";
import { registerWith, SECRET, startEmulator } from "./helpers/emulator.js";
import { deliveriesOf } from "./helpers/events.js";
import { ADAPTERS, type AdapterName, startWebhookServer } from "./helpers/servers.js";

// Real bot libraries behind every adapter: the emulator delivers over HTTP, telehook hands each update to
// grammY's or Telegraf's `handleUpdate`, and the bot's replies go back to the emulator's Bot API.

/** The same bot in both libraries: /start greets with a button, the button is answered, text is echoed. */
const LIBRARIES = {
  grammY: async (emulator: TelegramEmulator): Promise<UpdateHandler> => {
    const bot = new Bot(emulator.token, { client: { apiRoot: emulator.apiRoot } });
    bot.command("start", (ctx) =>
      ctx.reply("Welcome!", { reply_markup: new InlineKeyboard().text("Ping", "ping") }),
    );
    bot.callbackQuery("ping", (ctx) => ctx.answerCallbackQuery({ text: "pong" }));
    bot.on("message:text", (ctx) => ctx.reply(`echo: ${ctx.message.text}`));
    await bot.init(); // getMe through the emulator, so no update waits for it
    return (update) => bot.handleUpdate(update);
  },
  Telegraf: async (emulator: TelegramEmulator): Promise<UpdateHandler> => {
    const bot = new Telegraf(emulator.token, { telegram: { apiRoot: emulator.apiRoot } });
    bot.start((ctx) =>
      ctx.reply("Welcome!", {
        reply_markup: { inline_keyboard: [[{ text: "Ping", callback_data: "ping" }]] },
      }),
    );
    bot.action("ping", (ctx) => ctx.answerCbQuery("pong"));
    bot.on(message("text"), (ctx) => ctx.reply(`echo: ${ctx.message.text}`));
    // Rethrow, so a failure reaches telehook (Telegraf's default handler would also log it).
    bot.catch((error) => {
      throw error;
    });
    // Telegraf calls getMe itself before the first update.
    return (update) => bot.handleUpdate(update as Parameters<typeof bot.handleUpdate>[0]);
  },
} as const;

type LibraryName = keyof typeof LIBRARIES;

async function startBot(cleanup: Cleanup, library: LibraryName, adapter: AdapterName) {
  const emulator = await startEmulator(cleanup, { timeScale: 0.01 });
  const onUpdate = await LIBRARIES[library](emulator);
  const server = await startWebhookServer(adapter, (url) => ({
    secretToken: SECRET,
    onUpdate,
    onError: () => {},
    setWebhook: registerWith(emulator, url),
  }));
  cleanup.add(() => server.close());
  const outcome = await server.webhook.ready;
  if (!outcome?.ok) throw new Error(`registration failed: ${JSON.stringify(outcome)}`);
  return { emulator, server };
}

/** The parts of a Bot API call the bot decided, with chat ids compared as numbers. */
function sentMessage(call: RecordedCall | undefined) {
  return { chat_id: Number(call?.params.chat_id), text: call?.params.text, source: call?.source };
}

describe.concurrent.each(Object.keys(LIBRARIES) as LibraryName[])("a %s bot", (library) => {
  test.for(ADAPTERS)(
    "behind %s: answers commands, buttons and text through the emulator's Bot API",
    async (adapter, { expect, onTestFinished }) => {
      const cleanup = createCleanup(onTestFinished);
      const { emulator } = await startBot(cleanup, library, adapter);

      emulator.sendUpdate(updates.message({ text: "/start", chatId: 4242 }));
      emulator.sendUpdate(updates.message({ text: "hello there", chatId: 4242 }));
      emulator.sendUpdate(updates.callbackQuery({ data: "ping", fromId: 4242, id: "cbq-4242" }));
      await emulator.waitForIdle();

      expect(emulator.callsTo("getMe")).toHaveLength(1);
      // The chat's two messages were delivered one after the other, so the replies are in that order.
      expect(emulator.callsTo("sendMessage").map(sentMessage)).toEqual([
        { chat_id: 4242, text: "Welcome!", source: "http" },
        { chat_id: 4242, text: "echo: hello there", source: "http" },
      ]);
      const [welcome] = emulator.callsTo("sendMessage");
      expect(JSON.stringify(welcome?.params.reply_markup)).toContain('"callback_data":"ping"');
      expect(emulator.callsTo("answerCallbackQuery").map((call) => call.params)).toEqual([
        expect.objectContaining({ callback_query_id: "cbq-4242", text: "pong" }),
      ]);
      for (const record of emulator.deliveries)
        expect(record).toMatchObject({ outcome: "delivered", attempt: 1 });
    },
  );

  test("a Bot API failure inside the handler makes Telegram redeliver the update, and the reply then goes out once", async ({
    expect,
    onTestFinished,
  }) => {
    const cleanup = createCleanup(onTestFinished);
    const { emulator } = await startBot(cleanup, library, library === "grammY" ? "hono" : "koa");
    // The first sendMessage fails the way Telegram's servers sometimes do; the library throws, telehook
    // answers 500 with Retry-After, and the emulator delivers the update again.
    let failures = 0;
    emulator.onMethod("sendMessage", () => {
      if (failures++ === 0) throw new BotApiError(500, "Internal Server Error: restart");
      return undefined;
    });
    const update = emulator.sendUpdate(updates.message({ text: "/start", chatId: 77 }));
    await emulator.waitForIdle();

    expect(deliveriesOf(emulator, update.update_id).map((record) => [record.outcome, record.status])).toEqual(
      [
        ["failed", 500],
        ["delivered", 200],
      ],
    );
    expect(deliveriesOf(emulator, update.update_id)[0]?.retryAfter).toBe(5);
    const replies = emulator.callsTo("sendMessage");
    expect(replies.map((call) => call.response?.ok)).toEqual([false, true]);
    expect(replies.map(sentMessage)).toEqual([
      { chat_id: 77, text: "Welcome!", source: "http" },
      { chat_id: 77, text: "Welcome!", source: "http" },
    ]);
  });
});
