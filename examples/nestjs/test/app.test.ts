import type { AddressInfo } from "node:net";
import type { INestApplication } from "@nestjs/common";
import type { UpdateHandler } from "@telehook/core";
import { afterEach, describe, expect, test } from "vitest";
import { createApp, type Platform } from "../src/app.js";
import { echo } from "../src/bot.js";

const SECRET = "nest_example_secret";
let app: INestApplication | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

async function start(platform: Platform, onUpdate: UpdateHandler = echo): Promise<string> {
  ({ app } = await createApp(platform, { secretToken: SECRET, webhookReply: true, onUpdate }));
  await app.listen(0, "127.0.0.1");
  return `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
}

const update = (text: string) =>
  JSON.stringify({
    update_id: 1,
    message: { message_id: 1, date: 1, chat: { id: 42, type: "private" }, text },
  });

describe.each(["express", "fastify"] as const)("the NestJS example on %s", (platform) => {
  test("answers an update with the bot's webhook reply", async () => {
    const url = await start(platform);
    const response = await fetch(`${url}/bot`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-telegram-bot-api-secret-token": SECRET },
      body: update("hi"),
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ method: "sendMessage", chat_id: 42, text: "echo: hi" });
  });

  test("turns away a forged update with 401", async () => {
    const url = await start(platform);
    const response = await fetch(`${url}/bot`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-telegram-bot-api-secret-token": "guessed" },
      body: update("forged"),
    });
    expect(response.status).toBe(401);
    expect(await response.text()).not.toContain(SECRET);
  });

  test("the app's own routes keep their JSON body and controllers beside the webhook", async () => {
    const url = await start(platform);
    const saved = await fetch(`${url}/notes`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ text: "remember the milk" }),
    });
    expect([saved.status, await saved.json()]).toEqual([201, { saved: "remember the milk" }]);
    expect(await (await fetch(`${url}/healthz`)).json()).toEqual({ ok: true });
  });
});

describe.each(["express", "fastify"] as const)("shutting the NestJS example down on %s", (platform) => {
  // The drain runs before Nest closes the HTTP server: closed after it, the server would wait for the
  // client's keep-alive connection (Fastify's keep-alive lasts 72 s).
  test("app.close() answers the update still running, then closes at once", async () => {
    const events: string[] = [];
    let release = () => {};
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    let started = () => {};
    const running = new Promise<void>((resolve) => {
      started = resolve;
    });
    const url = await start(platform, (update) => {
      started();
      return released.then(() => {
        events.push("update finished");
        return echo(update);
      });
    });
    const answer = fetch(`${url}/bot`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-telegram-bot-api-secret-token": SECRET },
      body: update("wait"),
    });
    await running;
    const closing = app?.close().then(() => events.push("app closed"));
    app = undefined;
    setTimeout(release, 50);
    expect((await answer).status).toBe(200);
    await closing;
    expect(events).toEqual(["update finished", "app closed"]);
  });
});
