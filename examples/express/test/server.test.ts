import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { UserFromGetMe } from "grammy/types";
import { afterEach, expect, test } from "vitest";
import { createApp } from "../src/app.js";
import { createBot } from "../src/bot.js";

const SECRET = "example_secret-0123";
const BOT_INFO: UserFromGetMe = {
  id: 1,
  is_bot: true,
  first_name: "Echo",
  username: "echo_example_bot",
  can_join_groups: true,
  can_read_all_group_messages: false,
  supports_inline_queries: false,
  can_connect_to_business: false,
  has_main_web_app: false,
  has_topics_enabled: false,
  allows_users_to_create_topics: false,
  can_manage_bots: false,
  supports_join_request_queries: false,
};

let server: Server | undefined;
afterEach(() => new Promise<void>((done) => (server ? server.close(() => done()) : done())));

/** Starts the example on a random loopback port. Bot API calls are recorded, never sent to Telegram. */
async function start() {
  const calls: { method: string; payload: unknown }[] = [];
  const bot = createBot("123456:example-token", { botInfo: BOT_INFO });
  bot.api.config.use(async (_prev, method, payload) => {
    calls.push({ method, payload });
    return { ok: true, result: true } as never;
  });
  const { app } = createApp({ bot, secretToken: SECRET });
  const listening = app.listen(0, "127.0.0.1");
  server = listening;
  await new Promise((resolve) => listening.once("listening", resolve));
  const { port } = listening.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, calls };
}

const textUpdate = (text: string) => ({
  update_id: 1,
  message: {
    message_id: 1,
    date: 1_767_225_600,
    chat: { id: 42, type: "private", first_name: "Ada" },
    from: { id: 42, is_bot: false, first_name: "Ada" },
    text,
  },
});

test("an update sent with the secret reaches the grammY bot, which replies", async () => {
  const { url, calls } = await start();
  const response = await fetch(`${url}/bot`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-telegram-bot-api-secret-token": SECRET },
    body: JSON.stringify(textUpdate("hello there")),
  });
  expect(response.status).toBe(200);
  expect(calls).toEqual([
    { method: "sendMessage", payload: expect.objectContaining({ chat_id: 42, text: "hello there" }) },
  ]);
});

test("an update without the secret is refused and the bot never runs", async () => {
  const { url, calls } = await start();
  const response = await fetch(`${url}/bot`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(textUpdate("hello")),
  });
  const health = await fetch(`${url}/healthz`);
  expect(response.status).toBe(401);
  expect(calls).toEqual([]);
  expect(await health.json()).toEqual({ ok: true });
});

test("the health route serves the webhook's stats(), which count what it did", async () => {
  const { url } = await start();
  await fetch(`${url}/bot`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-telegram-bot-api-secret-token": SECRET },
    body: JSON.stringify(textUpdate("hello there")),
  });
  await fetch(`${url}/bot`, { method: "POST", body: "{}" });
  const response = await fetch(`${url}/health/webhook`);
  expect(response.status).toBe(200);
  expect(await response.json()).toMatchObject({
    inFlight: 0,
    queued: 0,
    oldestRunningMs: 0,
    counts: { received: 1, started: 1, finished: 1, rejected: 1 },
    rejections: { secret_token_missing: 1 },
    store: { healthy: true, failures: 0 },
  });
});
