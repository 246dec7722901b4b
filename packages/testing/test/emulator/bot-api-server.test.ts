import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  BotApiError,
  createTelegramEmulator,
  type TelegramEmulator,
  updates,
} from "../../src/emulator/index.js";
import { callApi } from "./helpers.js";

let emulator: TelegramEmulator;

beforeEach(async () => {
  emulator = await createTelegramEmulator();
});

afterEach(async () => {
  await emulator.close();
});

describe("the Bot API envelope", () => {
  it("answers getMe with ok/result, status 200, JSON content type and keep-alive", async () => {
    const reply = await callApi(emulator, "getMe");
    expect(reply.status).toBe(200);
    expect(reply.headers.get("content-type")).toBe("application/json");
    expect(reply.headers.get("connection")).toBe("keep-alive");
    expect(Object.keys(reply.body)).toEqual(["ok", "result"]);
    expect(reply.body.result).toMatchObject({ id: 123456789, is_bot: true, username: "telehook_test_bot" });
    expect(reply.body.result).toEqual(emulator.botInfo);
  });

  it("refuses a malformed token with 401 and the exact description", async () => {
    const reply = await callApi(emulator, "getMe", {}, { token: "123:short" });
    expect(reply.status).toBe(401);
    expect(reply.text).toBe(
      '{"ok":false,"error_code":401,"description":"Unauthorized: invalid token specified"}',
    );
  });

  it("treats every well-formed token as its own bot", async () => {
    const other = "987654321:BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB";
    const reply = await callApi(emulator, "getMe", {}, { token: other });
    expect(reply.body.result.id).toBe(987654321);
    emulator.bot(other).sendUpdate(updates.message({ chatId: 1 }));
    await callApi(emulator, "sendMessage", { chat_id: 1, text: "x" }, { token: other });
    expect(emulator.bot(other).callsTo("sendMessage")).toHaveLength(1);
    expect(emulator.callsTo("sendMessage")).toHaveLength(0);
  });

  it("answers a path that is not /bot<token>/<method> with 404", async () => {
    const response = await fetch(`${emulator.apiRoot}/nothing-here`);
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ ok: false, error_code: 404, description: "Not Found" });
  });

  it("matches method names ignoring case and reads query, form and JSON parameters", async () => {
    emulator.sendUpdate(updates.message({ chatId: 7 }));
    await callApi(emulator, "SENDMESSAGE", { chat_id: 7, text: "query" }, { encoding: "query" });
    await callApi(emulator, "sendmessage", { chat_id: 7, text: "form" }, { encoding: "form" });
    await callApi(emulator, "sendMessage", {
      chat_id: 7,
      text: "json",
      reply_markup: { inline_keyboard: [] },
    });
    const calls = emulator.callsTo("sendMessage");
    expect(calls.map((call) => call.params.text)).toEqual(["query", "form", "json"]);
    expect(calls[0]?.params.chat_id).toBe("7");
    expect(calls[2]?.params.chat_id).toBe(7);
    expect(calls[2]?.params.reply_markup).toEqual({ inline_keyboard: [] });
  });

  it("reads multipart/form-data fields and files", async () => {
    const form = new FormData();
    emulator.sendUpdate(updates.message({ chatId: 5 }));
    form.set("chat_id", "5");
    form.set("document", new Blob([new Uint8Array([1, 2, 3])]), "a.bin");
    const response = await fetch(`${emulator.apiRoot}/bot${emulator.token}/sendDocument`, {
      method: "POST",
      body: form,
    });
    expect(response.status).toBe(200);
    const [call] = emulator.callsTo("sendDocument");
    expect(call?.params.chat_id).toBe("5");
    expect(call?.params.document).toMatchObject({ filename: "a.bin", size: 3 });
  });

  it("keeps a file part's content type and bytes, and the last of repeated text parts", async () => {
    const form = new FormData();
    form.append("caption", "first");
    form.append("caption", "second");
    form.set("photo", new Blob(["png bytes"], { type: "image/png" }), "cat.png");
    await fetch(`${emulator.apiRoot}/bot${emulator.token}/sendPhoto`, { method: "POST", body: form });
    const photo = emulator.callsTo("sendPhoto")[0]?.params.photo as { contentType: string; data: Buffer };
    expect(emulator.callsTo("sendPhoto")[0]?.params.caption).toBe("second");
    expect(photo.contentType).toBe("image/png");
    expect(photo.data.toString("utf8")).toBe("png bytes");
  });

  it("reads a damaged multipart body as no parameters, and keeps serving", async () => {
    const boundary = "b0undary";
    const damaged = `--${boundary}\r\nContent-Disposition: form-data; name="chat_id"\r\n\r\n5\r\n--${boundary}\r\nContent-Disp`;
    for (const contentType of [`multipart/form-data; boundary=${boundary}`, "multipart/form-data"]) {
      const response = await fetch(`${emulator.apiRoot}/bot${emulator.token}/sendMessage`, {
        method: "POST",
        headers: { "content-type": contentType },
        body: damaged,
      });
      expect(response.status).toBe(400);
    }
    expect(emulator.callsTo("sendMessage").map((call) => call.params)).toEqual([{}, {}]);
    expect((await callApi(emulator, "getMe")).status).toBe(200);
  });
});

describe("the call recorder", () => {
  it("answers sendMessage with a realistic Message whose message_id counts up per chat", async () => {
    emulator.sendUpdates([
      updates.message({ chatId: 42, extra: { message_id: 10 } }),
      updates.message({ chatId: -1001234567890, extra: { message_id: 1 } }),
    ]);
    const first = await callApi(emulator, "sendMessage", { chat_id: 42, text: "one" });
    const second = await callApi(emulator, "sendMessage", { chat_id: 42, text: "two" });
    const group = await callApi(emulator, "sendMessage", { chat_id: -1001234567890, text: "hi" });
    expect(first.body.result).toMatchObject({
      message_id: 11,
      from: { id: 123456789, is_bot: true },
      chat: { id: 42, type: "private" },
      text: "one",
    });
    expect(typeof first.body.result.date).toBe("number");
    expect(second.body.result.message_id).toBe(12);
    expect(group.body.result).toMatchObject({ message_id: 2, chat: { type: "supergroup" } });
  });

  it("records every call in order, answering unknown methods with 404 method not found", async () => {
    await callApi(emulator, "answerCallbackQuery", { callback_query_id: "1" });
    await callApi(emulator, "someFutureMethod", { a: 1 });
    await callApi(emulator, "getMe");
    expect(emulator.calls.map((call) => call.method)).toEqual([
      "answerCallbackQuery",
      "someFutureMethod",
      "getMe",
    ]);
    expect(emulator.calls[1]?.response).toEqual({
      ok: false,
      error_code: 404,
      description: "Not Found: method not found",
    });
    expect(emulator.sent.map((call) => call.method)).toEqual(["answerCallbackQuery", "someFutureMethod"]);
  });

  it("lets a test replace a method's result or fail it with a BotApiError", async () => {
    emulator.sendUpdate(updates.message({ chatId: 5 }));
    emulator.onMethod("getChat", () => ({ id: 5, type: "private", first_name: "Custom" }));
    emulator.onMethod("sendMessage", (call) => {
      if (call.params.text === "flood")
        throw new BotApiError(429, "Too Many Requests: retry after 3", { retry_after: 3 });
      return undefined;
    });
    expect((await callApi(emulator, "getChat", { chat_id: 5 })).body.result.first_name).toBe("Custom");
    const flood = await callApi(emulator, "sendMessage", { chat_id: 5, text: "flood" });
    expect(flood.status).toBe(429);
    expect(flood.headers.get("retry-after")).toBe("3");
    expect(flood.body).toEqual({
      ok: false,
      error_code: 429,
      description: "Too Many Requests: retry after 3",
      parameters: { retry_after: 3 },
    });
    expect((await callApi(emulator, "sendMessage", { chat_id: 5, text: "fine" })).body.ok).toBe(true);
  });

  it("waitForCall resolves with a call that arrives later, and names what came when it times out", async () => {
    const waiting = emulator.waitForCall("sendMessage", { where: (call) => call.params.text === "late" });
    await callApi(emulator, "sendMessage", { chat_id: 1, text: "early" });
    await callApi(emulator, "sendMessage", { chat_id: 1, text: "late" });
    expect((await waiting).params.text).toBe("late");
    await expect(emulator.waitForCall("sendPhoto", { timeoutMs: 50 })).rejects.toThrow(
      "no sendPhoto call within 50 ms; calls so far: sendMessage, sendMessage",
    );
  });
});
