import { createServer } from "node:http";
import {
  EXAMPLE_BOT_INFO,
  EXAMPLE_SECRET,
  postUpdate,
  recordBotApiCalls,
  textUpdate,
} from "@telehook/example-support";
import { type LoopbackServer, listenOnLoopback } from "@telehook/testing";
import { afterEach, expect, test } from "vitest";
import { createApp } from "../src/app.js";
import { createBot } from "../src/bot.js";

const servers: LoopbackServer[] = [];
afterEach(() => Promise.all(servers.splice(0).map((server) => server.close())));

/** Starts the example on a random loopback port. Bot API calls are recorded, never sent to Telegram. */
async function start() {
  const bot = createBot("123456:example-token", { botInfo: EXAMPLE_BOT_INFO });
  const calls = recordBotApiCalls(bot);
  const { app } = createApp({ bot, secretToken: EXAMPLE_SECRET });
  const server = await listenOnLoopback(createServer(app));
  servers.push(server);
  return { url: server.url, calls };
}

test("an update sent with the secret reaches the grammY bot, which replies", async () => {
  const { url, calls } = await start();
  const response = await postUpdate(url, textUpdate("hello there"));
  expect(response.status).toBe(200);
  expect(calls).toEqual([
    { method: "sendMessage", payload: expect.objectContaining({ chat_id: 42, text: "hello there" }) },
  ]);
});

test("an update without the secret is refused and the bot never runs", async () => {
  const { url, calls } = await start();
  const response = await postUpdate(url, textUpdate("hello"), null);
  const health = await fetch(`${url}/healthz`);
  expect(response.status).toBe(401);
  expect(calls).toEqual([]);
  expect(await health.json()).toEqual({ ok: true });
});

test("the health route serves the webhook's stats(), which count what it did", async () => {
  const { url } = await start();
  await postUpdate(url, textUpdate("hello there"));
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
