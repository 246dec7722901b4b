import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Bot, webhookCallback } from "grammy";
import { Telegraf } from "telegraf";
import { afterEach, describe, expect, it } from "vitest";
import {
  createTelegramEmulator,
  DEFAULT_USER,
  SERVER_UPDATE_TYPE_ORDER,
  type TelegramEmulator,
  updates,
  webhookQueueIdOf,
} from "../../src/emulator/index.js";
import { callApi } from "./helpers.js";

const FACTORY_TYPES: Record<keyof typeof updates, string> = {
  message: "message",
  editedMessage: "edited_message",
  channelPost: "channel_post",
  editedChannelPost: "edited_channel_post",
  businessConnection: "business_connection",
  businessMessage: "business_message",
  editedBusinessMessage: "edited_business_message",
  deletedBusinessMessages: "deleted_business_messages",
  messageReaction: "message_reaction",
  messageReactionCount: "message_reaction_count",
  inlineQuery: "inline_query",
  chosenInlineResult: "chosen_inline_result",
  callbackQuery: "callback_query",
  shippingQuery: "shipping_query",
  preCheckoutQuery: "pre_checkout_query",
  purchasedPaidMedia: "purchased_paid_media",
  poll: "poll",
  pollAnswer: "poll_answer",
  myChatMember: "my_chat_member",
  chatMember: "chat_member",
  chatJoinRequest: "chat_join_request",
  chatBoost: "chat_boost",
  removedChatBoost: "removed_chat_boost",
  managedBot: "managed_bot",
  guestMessage: "guest_message",
  widgetQuery: "widget_query",
  sharedWidgetQuery: "shared_widget_query",
};

let emulator: TelegramEmulator | undefined;
let server: Server | undefined;

afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server?.closeAllConnections();
  server = undefined;
});

describe("update factories", () => {
  it("cover every update type of Bot API 10.5", () => {
    expect(new Set(Object.values(FACTORY_TYPES))).toEqual(new Set(SERVER_UPDATE_TYPE_ORDER));
  });

  it.each(Object.entries(FACTORY_TYPES))("%s() makes a %s update the emulator queues", async (name, type) => {
    emulator = await createTelegramEmulator({ firstUpdateId: 500 });
    await callApi(emulator, "getUpdates", { allowed_updates: SERVER_UPDATE_TYPE_ORDER });
    const made = updates[name as keyof typeof updates]();
    expect(Object.keys(made)).toEqual([type]);
    const payload = (made as Record<string, unknown>)[type];
    expect(JSON.parse(JSON.stringify(payload))).toEqual(payload);
    expect(Number.isFinite(webhookQueueIdOf(type, payload))).toBe(true);
    const queued = emulator.sendUpdate(made);
    expect(queued.update_id).toBe(500);
    const polled = await callApi(emulator, "getUpdates");
    expect(polled.body.result).toEqual([{ update_id: 500, [type]: payload }]);
  });

  it("make Bot API 10.4 widget queries, in a chat or an inline message, and shared ones without a chat", () => {
    const inChat = updates.widgetQuery({ chatId: -1001, fromId: 7, data: "tap" }).widget_query;
    expect(inChat).toMatchObject({
      from: { id: 7 },
      chat: { id: -1001 },
      data: "tap",
      type: { type: "data" },
    });
    expect(inChat.message_id).toEqual(expect.any(Number));
    const inline = updates.widgetQuery({ inline: true }).widget_query;
    expect(inline).not.toHaveProperty("chat");
    expect(inline.inline_message_id).toEqual(expect.any(String));
    const shared = updates.sharedWidgetQuery({ fromId: 8, widgetId: "55" }).shared_widget_query;
    expect(shared).toMatchObject({ from: { id: 8 }, widget_id: "55" });
    expect(shared).not.toHaveProperty("chat");
  });

  it("uses the default user and their private chat, and marks /commands", () => {
    const { message } = updates.message({ text: "hi /start@telehook_test_bot and /help" });
    expect(message.from).toMatchObject({ id: DEFAULT_USER.id, is_bot: false });
    expect(message.chat).toMatchObject({ id: DEFAULT_USER.id, type: "private" });
    expect(message.entities).toEqual([
      { type: "bot_command", offset: 3, length: 24 },
      { type: "bot_command", offset: 32, length: 5 },
    ]);
    expect(Math.abs(message.date - Date.now() / 1000)).toBeLessThan(5);
    const group = updates.message({ chatId: -1001, fromId: 7 }).message;
    expect(group.chat).toMatchObject({ id: -1001, type: "group" });
    expect(group.from.id).toBe(7);
    expect(updates.message({ updateId: 9 }).update_id).toBe(9);
    expect(updates.message({ text: null, extra: { caption: "c" } }).message).not.toHaveProperty("text");
  });
});

describe("routing in bot frameworks", () => {
  const botInfo = {
    id: 123456789,
    is_bot: true as const,
    first_name: "Telehook Test Bot",
    username: "telehook_test_bot",
    can_join_groups: true,
    can_read_all_group_messages: false,
    supports_inline_queries: true,
    can_connect_to_business: true,
    has_main_web_app: false,
    has_topics_enabled: false,
    allows_users_to_create_topics: false,
    can_manage_bots: false,
    supports_join_request_queries: false,
  };

  it("grammY routes the factories' updates to the matching handlers", async () => {
    const bot = new Bot("123456789:AAEmulatorDefaultTokenForTelehookTests", { botInfo });
    const seen: string[] = [];
    bot.command("start", () => void seen.push("command:start"));
    bot.callbackQuery("yes", () => void seen.push("callback:yes"));
    bot.inlineQuery(/cats/, () => void seen.push("inline:cats"));
    bot.on("edited_message:text", () => void seen.push("edited_message"));
    bot.on("channel_post", () => void seen.push("channel_post"));
    bot.on("business_message", () => void seen.push("business_message"));
    bot.on("my_chat_member", () => void seen.push("my_chat_member"));
    bot.on("pre_checkout_query", () => void seen.push("pre_checkout_query"));
    bot.on("poll_answer", () => void seen.push("poll_answer"));
    bot.on("message_reaction", () => void seen.push("message_reaction"));
    bot.on("chat_boost", () => void seen.push("chat_boost"));
    bot.on("guest_message", () => void seen.push("guest_message"));
    bot.on("managed_bot", () => void seen.push("managed_bot"));
    let id = 1;
    for (const update of [
      updates.message({ text: "/start" }),
      updates.callbackQuery({ data: "yes" }),
      updates.inlineQuery({ query: "cats" }),
      updates.editedMessage({ text: "fixed" }),
      updates.channelPost(),
      updates.businessMessage(),
      updates.myChatMember(),
      updates.preCheckoutQuery(),
      updates.pollAnswer(),
      updates.messageReaction(),
      updates.chatBoost(),
      updates.guestMessage(),
      updates.managedBot(),
    ]) {
      await bot.handleUpdate({ update_id: id++, ...update });
    }
    expect(seen).toEqual([
      "command:start",
      "callback:yes",
      "inline:cats",
      "edited_message",
      "channel_post",
      "business_message",
      "my_chat_member",
      "pre_checkout_query",
      "poll_answer",
      "message_reaction",
      "chat_boost",
      "guest_message",
      "managed_bot",
    ]);
  });

  it("Telegraf routes commands, callback data and queries", async () => {
    const bot = new Telegraf("123456789:AAEmulatorDefaultTokenForTelehookTests");
    bot.botInfo = botInfo;
    const seen: string[] = [];
    bot.start(() => void seen.push("start"));
    bot.action("yes", () => void seen.push("action:yes"));
    bot.on("inline_query", () => void seen.push("inline_query"));
    bot.on("chat_join_request", () => void seen.push("chat_join_request"));
    let id = 1;
    for (const update of [
      updates.message({ text: "/start" }),
      updates.callbackQuery({ data: "yes" }),
      updates.inlineQuery(),
      updates.chatJoinRequest(),
    ]) {
      // biome-ignore lint/suspicious/noExplicitAny: Telegraf's Update typings are an older Bot API version
      await bot.handleUpdate({ update_id: id++, ...update } as any);
    }
    expect(seen).toEqual(["start", "action:yes", "inline_query", "chat_join_request"]);
  });

  it("a grammY bot on node:http talks to the emulator end to end, including a webhook reply", async () => {
    emulator = await createTelegramEmulator();
    const bot = new Bot(emulator.token, {
      client: { apiRoot: emulator.apiRoot, canUseWebhookReply: (method) => method === "sendChatAction" },
    });
    await bot.init();
    let handlerDone: Promise<unknown> = Promise.resolve();
    bot.command("start", (ctx) => {
      // The chat action goes back in the webhook response; grammY answers the webhook at that moment, so
      // Telegram counts the update as delivered while the handler goes on to call sendMessage.
      handlerDone = (async () => {
        await ctx.replyWithChatAction("typing");
        await ctx.reply(`Welcome, ${ctx.from?.first_name}!`);
      })();
      return handlerDone;
    });
    server = createServer(webhookCallback(bot, "http", { secretToken: "s3cret" }));
    await new Promise<void>((resolve) => server?.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    await bot.api.setWebhook(`http://127.0.0.1:${port}/`, { secret_token: "s3cret" });
    emulator.sendUpdate(updates.message({ text: "/start", chatId: 42 }));
    await emulator.waitForIdle();
    const sendMessage = await emulator.waitForCall("sendMessage");
    await handlerDone;
    expect(sendMessage.source).toBe("http");
    expect(sendMessage.params).toMatchObject({ chat_id: 42, text: "Welcome, User!" });
    expect(emulator.callsTo("sendChatAction").map((call) => call.source)).toEqual(["webhook-reply"]);
    expect(emulator.callsTo("setWebhook")[0]?.params).toMatchObject({ secret_token: "s3cret" });
    expect(emulator.deliveries.map((record) => record.outcome)).toEqual(["delivered"]);
  });
});
