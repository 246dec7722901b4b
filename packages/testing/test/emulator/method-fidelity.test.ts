import { afterEach, describe, expect, it } from "vitest";
import { createTelegramEmulator, type TelegramEmulator, updates } from "../../src/emulator/index.js";
import { callApi } from "./helpers.js";

// Exact strings from tdlib/telegram-bot-api (Client.cpp): fail_query_with_error lower-cases the first
// letter of TDLib's messages and adds the "Bad Request: " / "Forbidden: " prefix.

let emulator: TelegramEmulator;

afterEach(async () => {
  await emulator.close();
});

async function failure(method: string, params: Record<string, unknown> = {}) {
  const reply = await callApi(emulator, method, params);
  return { status: reply.status, body: reply.body, retryAfter: reply.headers.get("retry-after") };
}

function error(code: number, description: string) {
  return { ok: false, error_code: code, description };
}

describe("method names", () => {
  it("answers an unknown method (a typo) with 404 Not Found: method not found", async () => {
    emulator = await createTelegramEmulator();
    const reply = await failure("sendMesage", { chat_id: 1, text: "hi" });
    expect(reply.status).toBe(404);
    expect(reply.body).toEqual(error(404, "Not Found: method not found"));
    // Known methods outside the modelled ones still answer.
    expect((await failure("sendChatAction", { chat_id: 1, action: "typing" })).status).not.toBe(404);
  });
});

describe("sendMessage", () => {
  it("checks text, then chat_id, then that the bot knows the chat", async () => {
    emulator = await createTelegramEmulator();
    expect((await failure("sendMessage", { chat_id: 42 })).body).toEqual(
      error(400, "Bad Request: message text is empty"),
    );
    expect((await failure("sendMessage", { text: "hi" })).body).toEqual(
      error(400, "Bad Request: chat_id is empty"),
    );
    expect((await failure("sendMessage", { chat_id: 42, text: "hi" })).body).toEqual(
      error(400, "Bad Request: chat not found"),
    );
    expect((await failure("sendMessage", { chat_id: "@nobody", text: "hi" })).body).toEqual(
      error(400, "Bad Request: chat not found"),
    );
  });

  it("returns a Message whose ids continue each chat's own sequence, after the users' messages", async () => {
    emulator = await createTelegramEmulator();
    emulator.sendUpdates([
      updates.message({ chatId: 42, from: { first_name: "Ada" }, extra: { message_id: 7 } }),
      updates.message({ chatId: 43, extra: { message_id: 100 } }),
    ]);
    const first = await callApi(emulator, "sendMessage", {
      chat_id: 42,
      text: "one",
      reply_markup: { inline_keyboard: [[{ text: "A", callback_data: "a" }]] },
    });
    const second = await callApi(emulator, "sendMessage", { chat_id: 42, text: "two" });
    const other = await callApi(emulator, "sendMessage", { chat_id: 43, text: "three" });
    expect(first.body.result).toEqual({
      message_id: 8,
      from: { id: 123456789, is_bot: true, first_name: "Telehook Test Bot", username: "telehook_test_bot" },
      chat: expect.objectContaining({ id: 42, type: "private", first_name: "Ada" }),
      date: expect.any(Number),
      text: "one",
      reply_markup: { inline_keyboard: [[{ text: "A", callback_data: "a" }]] },
    });
    expect(second.body.result.message_id).toBe(9);
    expect(other.body.result.message_id).toBe(101);
    expect(emulator.chatMessages(42).map((message) => [message.message_id, message.text])).toEqual([
      [7, "Hello"],
      [8, "one"],
      [9, "two"],
    ]);
  });

  it("fails with 403 Forbidden: bot was blocked by the user after a scripted block, until unblocked", async () => {
    emulator = await createTelegramEmulator();
    emulator.sendUpdate(updates.message({ chatId: 42 }));
    emulator.setBlocked(42);
    const blocked = await failure("sendMessage", { chat_id: 42, text: "hi" });
    expect(blocked.status).toBe(403);
    expect(blocked.body).toEqual(error(403, "Forbidden: bot was blocked by the user"));
    emulator.setBlocked(42, false);
    expect((await failure("sendMessage", { chat_id: 42, text: "hi" })).status).toBe(200);
  });

  it("answers a scripted flood limit with 429, retry_after and the Retry-After header", async () => {
    emulator = await createTelegramEmulator();
    emulator.sendUpdate(updates.message({ chatId: 42 }));
    emulator.floodLimit({ retryAfter: 7, method: "sendMessage", calls: 2 });
    for (let i = 0; i < 2; i++) {
      const reply = await failure("sendMessage", { chat_id: 42, text: "hi" });
      expect(reply.status).toBe(429);
      expect(reply.retryAfter).toBe("7");
      expect(reply.body).toEqual({
        ...error(429, "Too Many Requests: retry after 7"),
        parameters: { retry_after: 7 },
      });
    }
    expect((await failure("sendMessage", { chat_id: 42, text: "hi" })).status).toBe(200);
  });
});

describe("sendPhoto", () => {
  it("needs a photo, and returns a Message with PhotoSizes and the caption", async () => {
    emulator = await createTelegramEmulator();
    emulator.sendUpdate(updates.message({ chatId: 42 }));
    expect((await failure("sendPhoto", { chat_id: 42 })).body).toEqual(
      error(400, "Bad Request: there is no photo in the request"),
    );
    const sent = await callApi(emulator, "sendPhoto", { chat_id: 42, photo: "AgACfileid", caption: "cat" });
    expect(sent.body.result).toMatchObject({ chat: { id: 42 }, caption: "cat" });
    expect(sent.body.result.photo).toEqual([
      expect.objectContaining({ width: 90, height: 90 }),
      expect.objectContaining({ width: 320, height: 320 }),
    ]);
  });
});

describe("editMessageText", () => {
  it("edits a message, then refuses the same edit with message is not modified", async () => {
    emulator = await createTelegramEmulator();
    emulator.sendUpdate(updates.message({ chatId: 42 }));
    const keyboard = { inline_keyboard: [[{ text: "A", callback_data: "a" }]] };
    const sent = await callApi(emulator, "sendMessage", { chat_id: 42, text: "v1", reply_markup: keyboard });
    const id = sent.body.result.message_id;
    const edited = await callApi(emulator, "editMessageText", {
      chat_id: 42,
      message_id: id,
      text: "v2",
      reply_markup: keyboard,
    });
    expect(edited.body.result).toMatchObject({ message_id: id, text: "v2", reply_markup: keyboard });
    expect(typeof edited.body.result.edit_date).toBe("number");
    const again = await failure("editMessageText", {
      chat_id: 42,
      message_id: id,
      text: "v2",
      reply_markup: keyboard,
    });
    expect(again.body).toEqual(
      error(
        400,
        "Bad Request: message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message",
      ),
    );
    // Dropping the keyboard is a change.
    expect((await failure("editMessageText", { chat_id: 42, message_id: id, text: "v2" })).status).toBe(200);
  });

  it("answers a missing text, identifier, chat or message with the server's errors", async () => {
    emulator = await createTelegramEmulator();
    emulator.sendUpdate(updates.message({ chatId: 42 }));
    expect((await failure("editMessageText", { chat_id: 42, message_id: 1 })).body).toEqual(
      error(400, "Bad Request: message text is empty"),
    );
    expect((await failure("editMessageText", { text: "x" })).body).toEqual(
      error(400, "Bad Request: message identifier is not specified"),
    );
    expect((await failure("editMessageText", { chat_id: 77, message_id: 1, text: "x" })).body).toEqual(
      error(400, "Bad Request: chat not found"),
    );
    expect((await failure("editMessageText", { chat_id: 42, message_id: 999, text: "x" })).body).toEqual(
      error(400, "Bad Request: message to edit not found"),
    );
    expect(
      (await callApi(emulator, "editMessageText", { inline_message_id: "AgAAA1", text: "x" })).body,
    ).toEqual({
      ok: true,
      result: true,
    });
  });

  it("edits the message a callback query came from", async () => {
    emulator = await createTelegramEmulator();
    const update = emulator.sendUpdate(updates.callbackQuery({ chatId: 42, messageId: 500 }));
    expect(update.callback_query?.message?.message_id).toBe(500);
    const edited = await callApi(emulator, "editMessageText", { chat_id: 42, message_id: 500, text: "done" });
    expect(edited.body.result).toMatchObject({ message_id: 500, text: "done" });
  });
});

describe("deleteMessage", () => {
  it("deletes once; then the message is not found", async () => {
    emulator = await createTelegramEmulator();
    emulator.sendUpdate(updates.message({ chatId: 42, extra: { message_id: 3 } }));
    expect((await failure("deleteMessage", { message_id: 3 })).body).toEqual(
      error(400, "Bad Request: chat identifier is not specified"),
    );
    expect((await failure("deleteMessage", { chat_id: 42 })).body).toEqual(
      error(400, "Bad Request: message identifier is not specified"),
    );
    expect((await callApi(emulator, "deleteMessage", { chat_id: 42, message_id: 3 })).body).toEqual({
      ok: true,
      result: true,
    });
    expect((await failure("deleteMessage", { chat_id: 42, message_id: 3 })).body).toEqual(
      error(400, "Bad Request: message to delete not found"),
    );
    expect(emulator.chatMessages(42)[0]?.deleted).toBe(true);
  });
});

describe("answerCallbackQuery", () => {
  it("accepts the id of a callback query the bot received, and refuses any other", async () => {
    emulator = await createTelegramEmulator();
    expect((await failure("answerCallbackQuery", { callback_query_id: "12345" })).body).toEqual(
      error(400, "Bad Request: query is too old and response timeout expired or query ID is invalid"),
    );
    const update = emulator.sendUpdate(updates.callbackQuery({ id: "777" }));
    expect(update.callback_query?.id).toBe("777");
    expect(
      (await callApi(emulator, "answerCallbackQuery", { callback_query_id: "777", text: "ok" })).body,
    ).toEqual({ ok: true, result: true });
  });
});

describe("setMyCommands", () => {
  it("parses commands as the server does, and getMyCommands returns them", async () => {
    emulator = await createTelegramEmulator();
    expect((await failure("setMyCommands", { commands: "[{" })).body).toEqual(
      error(400, "Bad Request: can't parse commands JSON object"),
    );
    expect((await failure("setMyCommands", { commands: { command: "start" } })).body).toEqual(
      error(400, "Bad Request: expected an Array of BotCommand"),
    );
    expect((await failure("setMyCommands", { commands: [{ command: "start" }] })).body).toEqual(
      error(400, "Bad Request: can't parse BotCommand: Can't find field \"description\""),
    );
    const commands = [{ command: "start", description: "Start the bot" }];
    expect((await callApi(emulator, "setMyCommands", { commands })).body).toEqual({ ok: true, result: true });
    expect((await callApi(emulator, "getMyCommands")).body.result).toEqual(commands);
  });
});
