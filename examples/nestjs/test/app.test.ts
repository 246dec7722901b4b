import type { AddressInfo } from "node:net";
import type { INestApplication } from "@nestjs/common";
import { afterEach, describe, expect, test } from "vitest";
import { createApp, type Platform } from "../src/app.js";
import { echo } from "../src/bot.js";

const SECRET = "nest_example_secret";
let app: INestApplication | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

async function start(platform: Platform): Promise<string> {
  ({ app } = await createApp(platform, { secretToken: SECRET, webhookReply: true, onUpdate: echo }));
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
