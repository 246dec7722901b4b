import type { Server } from "node:http";
import { createAdaptorServer } from "@hono/node-server";
import { EXAMPLE_SECRET, postUpdate, textUpdate } from "@telehook/example-support";
import { type LoopbackServer, listenOnLoopback } from "@telehook/testing";
import { afterEach, expect, test } from "vitest";
import { createApp } from "../src/app.js";

const servers: LoopbackServer[] = [];
afterEach(() => Promise.all(servers.splice(0).map((server) => server.close())));

/** Starts the example with @hono/node-server on a random loopback port. */
async function start(): Promise<string> {
  const { app } = createApp({ secretToken: EXAMPLE_SECRET });
  const server = await listenOnLoopback(createAdaptorServer({ fetch: app.fetch }) as Server);
  servers.push(server);
  return server.url;
}

test("an update sent with the secret is answered with the bot's reply in the response", async () => {
  const url = await start();
  const response = await postUpdate(url, textUpdate("hello there"));
  expect(response.status).toBe(200);
  expect(await response.json()).toEqual({ method: "sendMessage", chat_id: 42, text: "hello there" });
});

test("an update with a wrong secret is refused, with no reply", async () => {
  const url = await start();
  const response = await postUpdate(url, textUpdate("hello"), "wrong_secret");
  expect(response.status).toBe(401);
  expect(await response.json()).toMatchObject({ ok: false, error: "secret_token_invalid" });
});
