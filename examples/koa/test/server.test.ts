import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, expect, test } from "vitest";
import { createApp } from "../src/app.js";
import { createBot } from "../src/bot.js";

const SECRET = "example_secret-0123";
const TOKEN = "123456:example-token";

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => new Promise((done) => server.close(done))));
});

function listen(server: Server): Promise<string> {
  servers.push(server);
  return new Promise((resolve) => {
    server.listen(0, "127.0.0.1", () =>
      resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`),
    );
  });
}

/** A stand-in for the Bot API on loopback: records each call and answers it, so nothing goes to Telegram. */
async function fakeBotApi() {
  const calls: { method: string; payload: Record<string, unknown> }[] = [];
  const apiRoot = await listen(
    createServer(async (req, res) => {
      let body = "";
      for await (const chunk of req) body += chunk;
      const method = req.url?.split("/").pop() ?? "";
      calls.push({ method, payload: body ? JSON.parse(body) : {} });
      res.setHeader("content-type", "application/json");
      res.end(
        JSON.stringify({ ok: true, result: { message_id: 1, date: 0, chat: { id: 42, type: "private" } } }),
      );
    }),
  );
  return { apiRoot, calls };
}

/** Starts the example on a random loopback port, talking to the fake Bot API. */
async function start() {
  const api = await fakeBotApi();
  const bot = createBot(TOKEN, { apiRoot: api.apiRoot });
  bot.botInfo = {
    id: 1,
    is_bot: true,
    first_name: "Echo",
    username: "echo_example_bot",
  } as typeof bot.botInfo;
  const { app } = createApp({ bot, secretToken: SECRET });
  return { url: await listen(createServer(app.callback())), calls: api.calls };
}

const send = (url: string, text: string, secret = SECRET) =>
  fetch(`${url}/bot`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-telegram-bot-api-secret-token": secret },
    body: JSON.stringify({
      update_id: 1,
      message: {
        message_id: 1,
        date: 1_767_225_600,
        chat: { id: 42, type: "private", first_name: "Ada" },
        from: { id: 42, is_bot: false, first_name: "Ada" },
        text,
      },
    }),
  });

test("an update sent with the secret reaches the Telegraf bot, which replies", async () => {
  const { url, calls } = await start();
  const response = await send(url, "hello there");
  expect(response.status).toBe(200);
  expect(calls).toEqual([
    { method: "sendMessage", payload: expect.objectContaining({ chat_id: 42, text: "hello there" }) },
  ]);
});

test("an update with a wrong secret is refused and the bot never runs", async () => {
  const { url, calls } = await start();
  const response = await send(url, "hello", "wrong_secret");
  const health = await fetch(`${url}/healthz`);
  expect(response.status).toBe(401);
  expect(calls).toEqual([]);
  expect(await health.json()).toEqual({ ok: true });
});
