import { gzipSync } from "node:zlib";
import { afterEach, describe, expect, it } from "vitest";
import { createTelegramEmulator, type TelegramEmulator, updates } from "../../src/emulator/index.js";
import { type RawWebhook, type Receiver, setWebhook, startRawWebhook, startReceiver } from "./helpers.js";

let emulator: TelegramEmulator;
let receiver: Receiver | undefined;
let raw: RawWebhook | undefined;

afterEach(async () => {
  await emulator.close();
  await receiver?.close();
  receiver = undefined;
  await raw?.close();
  raw = undefined;
});

/** A webhook that answers each request with the next scripted reply: [content type, body, extra headers]. */
async function replyingWith(
  replies: Array<[string, string | Buffer, Record<string, string>?]>,
): Promise<void> {
  receiver = await startReceiver((_request, response) => {
    const [type, body, headers] = replies.shift() ?? ["text/plain", ""];
    response
      .writeHead(200, { "Content-Type": type, "Content-Length": String(body.length), ...headers })
      .end(body);
  });
  await setWebhook(emulator, { url: receiver.url, max_connections: 1 });
}

describe("a Bot API call in the webhook's reply", () => {
  it("runs a JSON, urlencoded or gzip-compressed reply as a call of the same bot", async () => {
    emulator = await createTelegramEmulator();
    await replyingWith([
      [
        "application/json",
        JSON.stringify({ method: "sendMessage", chat_id: 42, text: "json", reply_markup: { a: 1 } }),
      ],
      ["application/x-www-form-urlencoded; charset=utf-8", "method=answerCallbackQuery&callback_query_id=7"],
      [
        "application/json",
        gzipSync(JSON.stringify({ method: "sendChatAction", chat_id: 42, action: "typing" })),
        { "Content-Encoding": "gzip" },
      ],
    ]);
    emulator.sendUpdates([updates.message(), updates.callbackQuery(), updates.message()]);
    await emulator.waitForIdle();
    expect(emulator.calls.map((call) => [call.method, call.source])).toEqual([
      ["setWebhook", "http"],
      ["sendMessage", "webhook-reply"],
      ["answerCallbackQuery", "webhook-reply"],
      ["sendChatAction", "webhook-reply"],
    ]);
    expect(emulator.callsTo("sendMessage")[0]?.params).toEqual({
      chat_id: 42,
      text: "json",
      reply_markup: { a: 1 },
    });
    expect(emulator.callsTo("answerCallbackQuery")[0]?.params).toEqual({ callback_query_id: "7" });
    expect(emulator.deliveries.every((record) => record.outcome === "delivered")).toBe(true);
  });

  it("ignores setWebhook, deleteWebhook, close, logOut and every get* method", async () => {
    emulator = await createTelegramEmulator();
    const forbidden = ["deleteWebhook", "setWebhook", "close", "logOut", "getMe", "GETUPDATES", "getChat"];
    await replyingWith(
      forbidden.map((method) => ["application/json", JSON.stringify({ method, url: "", chat_id: 1 })]),
    );
    emulator.sendUpdates(forbidden.map(() => updates.message()));
    await emulator.waitForIdle();
    expect(emulator.calls.map((call) => call.method)).toEqual(["setWebhook"]);
    expect(emulator.webhookInfo().url).toBe(receiver?.url);
  });

  it("treats invalid JSON and other content types as plain success", async () => {
    emulator = await createTelegramEmulator();
    await replyingWith([
      ["application/json", "{not json"],
      ["text/plain", JSON.stringify({ method: "sendMessage", chat_id: 1, text: "x" })],
    ]);
    emulator.sendUpdates([updates.message(), updates.message()]);
    await emulator.waitForIdle();
    expect(emulator.sent).toHaveLength(0);
    expect(emulator.deliveries.map((record) => record.outcome)).toEqual(["delivered", "delivered"]);
  });

  it("fails a reply over 1 MiB with 'Request Entity Too Large: too many parameters' and retries", async () => {
    emulator = await createTelegramEmulator({ timeScale: 0.001 });
    const huge = JSON.stringify({ method: "sendMessage", chat_id: 1, text: "x".repeat(1024 * 1024) });
    await replyingWith([["application/json", huge]]);
    emulator.sendUpdate(updates.message());
    await emulator.waitForIdle();
    expect(emulator.deliveries.map((record) => record.error ?? "ok")).toEqual([
      "Request Entity Too Large: too many parameters",
      "ok",
    ]);
    expect(emulator.sent).toHaveLength(0);
  });

  it("reads a body without Content-Length or chunked encoding as empty, like the server", async () => {
    emulator = await createTelegramEmulator();
    raw = await startRawWebhook((socket) => {
      socket.on("data", () => {
        socket.write(
          'HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n\r\n{"method":"sendMessage","chat_id":1,"text":"lost"}',
        );
      });
    });
    await setWebhook(emulator, { url: raw.url });
    emulator.sendUpdate(updates.message());
    await emulator.waitForIdle();
    expect(emulator.deliveries.map((record) => record.outcome)).toEqual(["delivered"]);
    expect(emulator.sent).toHaveLength(0);
  });

  it("reads a chunked reply split across packets", async () => {
    emulator = await createTelegramEmulator();
    raw = await startRawWebhook((socket) => {
      socket.on("data", () => {
        const json = JSON.stringify({ method: "sendMessage", chat_id: 3, text: "chunked" });
        const parts = [
          "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n",
          `${(10).toString(16)}\r\n${json.slice(0, 10)}\r\n`,
          `${(json.length - 10).toString(16)}\r\n${json.slice(10)}\r\n`,
          "0\r\n\r\n",
        ];
        for (const [index, part] of parts.entries()) setTimeout(() => socket.write(part), index * 5);
      });
    });
    await setWebhook(emulator, { url: raw.url });
    emulator.sendUpdate(updates.message());
    await emulator.waitForIdle();
    expect(emulator.callsTo("sendMessage")[0]?.params).toEqual({ chat_id: 3, text: "chunked" });
  });
});
