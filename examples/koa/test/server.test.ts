import { createServer, type RequestListener } from "node:http";
import { EXAMPLE_SECRET, postUpdate, textUpdate } from "@telehook/example-support";
import { type LoopbackServer, listenOnLoopback } from "@telehook/testing";
import { afterEach, expect, test } from "vitest";
import { createApp } from "../src/app.js";
import { createBot } from "../src/bot.js";

const TOKEN = "123456:example-token";

const servers: LoopbackServer[] = [];
afterEach(() => Promise.all(servers.splice(0).map((server) => server.close())));

async function listen(listener: RequestListener): Promise<string> {
  const server = await listenOnLoopback(createServer(listener));
  servers.push(server);
  return server.url;
}

/** A stand-in for the Bot API on loopback: records each call and answers it, so nothing goes to Telegram. */
async function fakeBotApi() {
  const calls: { method: string; payload: Record<string, unknown> }[] = [];
  const apiRoot = await listen(async (req, res) => {
    let body = "";
    for await (const chunk of req) body += chunk;
    const method = req.url?.split("/").pop() ?? "";
    calls.push({ method, payload: body ? JSON.parse(body) : {} });
    res.setHeader("content-type", "application/json");
    res.end(
      JSON.stringify({ ok: true, result: { message_id: 1, date: 0, chat: { id: 42, type: "private" } } }),
    );
  });
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
  const { app } = createApp({ bot, secretToken: EXAMPLE_SECRET });
  return { url: await listen(app.callback() as RequestListener), calls: api.calls };
}

test("an update sent with the secret reaches the Telegraf bot, which replies", async () => {
  const { url, calls } = await start();
  const response = await postUpdate(url, textUpdate("hello there"));
  expect(response.status).toBe(200);
  expect(calls).toEqual([
    { method: "sendMessage", payload: expect.objectContaining({ chat_id: 42, text: "hello there" }) },
  ]);
});

test("an update with a wrong secret is refused and the bot never runs", async () => {
  const { url, calls } = await start();
  const response = await postUpdate(url, textUpdate("hello"), "wrong_secret");
  const health = await fetch(`${url}/healthz`);
  expect(response.status).toBe(401);
  expect(calls).toEqual([]);
  expect(await health.json()).toEqual({ ok: true });
});
