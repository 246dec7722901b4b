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
  const app = createApp({ bot, secretToken: EXAMPLE_SECRET });
  const server = await listenOnLoopback(app.server);
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
  const other = await fetch(`${url}/healthz`);
  expect(response.status).toBe(401);
  expect(calls).toEqual([]);
  expect(other.status).toBe(404);
});
