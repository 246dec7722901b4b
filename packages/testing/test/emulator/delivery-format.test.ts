import { createServer, type Server, type Socket } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import {
  asciiJson,
  createTelegramEmulator,
  type TelegramEmulator,
  updates,
} from "../../src/emulator/index.js";
import { setWebhook } from "./helpers.js";

let emulator: TelegramEmulator;
let server: Server | undefined;
const sockets = new Set<Socket>();

afterEach(async () => {
  await emulator.close();
  for (const socket of sockets) socket.destroy();
  sockets.clear();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
});

/** A raw TCP webhook that records the exact bytes of each request and answers 200. */
async function rawReceiver(): Promise<{ port: number; requests: string[] }> {
  const requests: string[] = [];
  server = createServer((socket) => {
    sockets.add(socket);
    let pending = Buffer.alloc(0);
    socket.on("data", (chunk) => {
      pending = Buffer.concat([pending, chunk]);
      for (;;) {
        const text = pending.toString("latin1");
        const headEnd = text.indexOf("\r\n\r\n");
        if (headEnd === -1) return;
        const length = Number(/\r\nContent-Length: (\d+)/.exec(text)?.[1] ?? 0);
        if (pending.length < headEnd + 4 + length) return;
        requests.push(text.slice(0, headEnd + 4 + length));
        pending = pending.subarray(headEnd + 4 + length);
        socket.write("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
      }
    });
  });
  await new Promise<void>((resolve) => server?.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  return { port: typeof address === "object" && address ? address.port : 0, requests };
}

describe("the webhook request", () => {
  it("has the server's request line, header order and spelling, and an ASCII body with ,\\n after update_id", async () => {
    emulator = await createTelegramEmulator({ firstUpdateId: 777 });
    const { port, requests } = await rawReceiver();
    await setWebhook(emulator, {
      url: `http://User:P%40ss@LocalHost:${port}/tg/hook?x=1 2#frag`,
      secret_token: "Secret_Token-1",
    });
    const date = Math.floor(Date.now() / 1000);
    const update = updates.message({ text: 'Привет 👋 "q"\n', chatId: 42, date, messageId: 5 });
    emulator.sendUpdate(update);
    await emulator.waitForIdle();
    const payload =
      '{"message_id":5,"from":{"id":42,"is_bot":false,"first_name":"User","last_name":"42","username":"user_42"},' +
      `"chat":{"id":42,"type":"private","first_name":"User","last_name":"42","username":"user_42"},"date":${date},` +
      '"text":"\\u041f\\u0440\\u0438\\u0432\\u0435\\u0442 \\ud83d\\udc4b \\"q\\"\\n"}';
    const body = `{"update_id":777,\n"message":${payload}}`;
    expect(requests).toEqual([
      `POST /tg/hook?x=1%202#frag HTTP/1.1\r\n` +
        `Host: localhost:${port}\r\n` +
        `Authorization: Basic ${Buffer.from("User:P%40ss").toString("base64")}\r\n` +
        "X-Telegram-Bot-Api-Secret-Token: Secret_Token-1\r\n" +
        "Content-Type: application/json\r\n" +
        `Content-Length: ${body.length}\r\n` +
        "Connection: keep-alive\r\n" +
        "Accept-Encoding: gzip, deflate\r\n" +
        "\r\n" +
        body,
    ]);
  });

  it("sends no Authorization or secret header when there is none, and reuses one connection", async () => {
    emulator = await createTelegramEmulator({ firstUpdateId: 1 });
    const { port, requests } = await rawReceiver();
    await setWebhook(emulator, { url: `http://127.0.0.1:${port}`, max_connections: 1 });
    emulator.sendUpdates([updates.message(), updates.message(), updates.message()]);
    await emulator.waitForIdle();
    expect(requests).toHaveLength(3);
    for (const request of requests) {
      expect(
        request.startsWith(
          `POST / HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nContent-Type: application/json\r\n`,
        ),
      ).toBe(true);
      expect(request).not.toMatch(/User-Agent|Authorization|Secret-Token/i);
    }
    expect(sockets.size).toBe(1);
  });
});

describe("keep-alive connections", () => {
  it("are closed quietly after 60 s without a request", async () => {
    emulator = await createTelegramEmulator({ timeScale: 0.001 });
    const { port } = await rawReceiver();
    const closedAt: number[] = [];
    server?.on("connection", (socket) => socket.on("end", () => closedAt.push(performance.now())));
    await setWebhook(emulator, { url: `http://127.0.0.1:${port}/` });
    emulator.sendUpdate(updates.message());
    await emulator.waitForIdle();
    const idleFrom = performance.now();
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(closedAt).toHaveLength(0);
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(closedAt).toHaveLength(1);
    expect((closedAt[0] ?? 0) - idleFrom).toBeGreaterThanOrEqual(55);
    expect(emulator.webhookInfo().last_error_message).toBeUndefined();
  });
});

describe("asciiJson", () => {
  it("escapes every non-ASCII character as lowercase \\uXXXX and astral ones as surrogate pairs", () => {
    expect(asciiJson({ a: "é€😀\u0001\t/", b: [1, null, true] })).toBe(
      '{"a":"\\u00e9\\u20ac\\ud83d\\ude00\\u0001\\t/","b":[1,null,true]}',
    );
    expect(asciiJson("\ud800")).toBe('"\\ud800"');
  });
});
