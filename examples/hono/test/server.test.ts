import type { AddressInfo } from "node:net";
import { type ServerType, serve } from "@hono/node-server";
import { afterEach, expect, test } from "vitest";
import { createApp } from "../src/app.js";

const SECRET = "example_secret-0123";

let server: ServerType | undefined;
afterEach(() => new Promise<void>((done) => (server ? server.close(() => done()) : done())));

/** Starts the example with @hono/node-server on a random loopback port. */
function start(): Promise<string> {
  const { app } = createApp({ secretToken: SECRET });
  return new Promise((resolve) => {
    server = serve({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" }, (info: AddressInfo) =>
      resolve(`http://127.0.0.1:${info.port}`),
    );
  });
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

test("an update sent with the secret is answered with the bot's reply in the response", async () => {
  const url = await start();
  const response = await send(url, "hello there");
  expect(response.status).toBe(200);
  expect(await response.json()).toEqual({ method: "sendMessage", chat_id: 42, text: "hello there" });
});

test("an update with a wrong secret is refused, with no reply", async () => {
  const url = await start();
  const response = await send(url, "hello", "wrong_secret");
  expect(response.status).toBe(401);
  expect(await response.json()).toMatchObject({ ok: false, error: "secret_token_invalid" });
});
