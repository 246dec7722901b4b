import type { ServerResponse } from "node:http";
import { afterEach, describe, expect, it } from "vitest";
import { createTelegramEmulator, type TelegramEmulator, updates } from "../../src/emulator/index.js";
import { callApi, type Receiver, setWebhook, sleep, startReceiver } from "./helpers.js";
import { createManualClock } from "./manual-clock.js";

let emulator: TelegramEmulator;
let receiver: Receiver | undefined;

afterEach(async () => {
  await emulator.close();
  await receiver?.close();
  receiver = undefined;
});

/** Resolves once `check` is true, polling every few ms; fails after 5 s. */
async function until(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 1000; i++) {
    if (check()) return;
    await sleep(5);
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** Settles a promise's state without awaiting it forever. */
function track<T>(promise: Promise<T>): { done: boolean; value?: T; error?: unknown } {
  const state: { done: boolean; value?: T; error?: unknown } = { done: false };
  promise.then(
    (value) => Object.assign(state, { done: true, value }),
    (error: unknown) => Object.assign(state, { done: true, error }),
  );
  return state;
}

describe("webhook replies cut short or followed by garbage", () => {
  it("still run the parameters parsed before the error", async () => {
    emulator = await createTelegramEmulator();
    const bodies = [
      '{"method":"sendMessage","chat_id":42,"text":"cut short","parse_mo',
      '{"method":"sendMessage","chat_id":42,"text":"then garbage"}<html>oops</html>',
    ];
    receiver = await startReceiver((_request, response: ServerResponse) => {
      const body = bodies.shift() ?? "";
      response
        .writeHead(200, { "Content-Type": "application/json", "Content-Length": body.length })
        .end(body);
    });
    await setWebhook(emulator, { url: receiver.url, max_connections: 1 });
    emulator.sendUpdates([updates.message({ chatId: 42 }), updates.message({ chatId: 42 })]);
    await emulator.waitForIdle();
    expect(emulator.callsTo("sendMessage").map((call) => [call.source, call.params])).toEqual([
      ["webhook-reply", { chat_id: 42, text: "cut short" }],
      ["webhook-reply", { chat_id: 42, text: "then garbage" }],
    ]);
    expect(emulator.callsTo("sendMessage").map((call) => call.response?.ok)).toEqual([true, true]);
  });
});

describe("webhook URLs", () => {
  it("trims trailing whitespace from the URL's path before requesting it", async () => {
    emulator = await createTelegramEmulator();
    receiver = await startReceiver();
    await setWebhook(emulator, { url: `${receiver.url}?a=1 \t\n` });
    emulator.sendUpdate(updates.message());
    await emulator.waitForIdle();
    expect(receiver.requests.map((request) => request.url)).toEqual(["/hook?a=1"]);
  });

  it("never sends an update whose request head would pass 4096 bytes (URL is too long)", async () => {
    emulator = await createTelegramEmulator({ timeScale: 0.001 });
    receiver = await startReceiver();
    await setWebhook(emulator, { url: `${receiver.url}?pad=${"x".repeat(4000)}` });
    const update = emulator.sendUpdate(updates.message());
    await until(() => emulator.deliveries.length > 0, "a delivery record");
    expect(emulator.deliveries[0]).toMatchObject({
      updateId: update.update_id,
      outcome: "failed",
      error: "URL is too long",
    });
    expect(receiver.requests).toEqual([]);
    expect(emulator.webhookInfo().pending_update_count).toBe(1);
    expect(emulator.webhookInfo().last_error_message).toBeUndefined();
  });
});

describe("connection ramp-up", () => {
  it("uses one connection right after setWebhook, and several once a delivery succeeded", async () => {
    emulator = await createTelegramEmulator();
    const held: ServerResponse[] = [];
    receiver = await startReceiver((_request, response) => {
      held.push(response);
    });
    await setWebhook(emulator, { url: receiver.url });
    emulator.sendUpdates([
      updates.message({ chatId: 1 }),
      updates.message({ chatId: 2 }),
      updates.message({ chatId: 3 }),
    ]);
    await until(() => held.length === 1, "the first request");
    await sleep(150);
    // Three chats are ready, but delivery is not yet healthy: one connection only.
    expect(receiver.requests).toHaveLength(1);
    held.shift()?.writeHead(200, { "Content-Length": "0" }).end();
    // After a success, the other two chats go out at the same time.
    await until(() => held.length === 2, "two concurrent requests");
    for (const response of held.splice(0)) response.writeHead(200, { "Content-Length": "0" }).end();
    await emulator.waitForIdle();
    expect(receiver.requests).toHaveLength(3);
  });

  it("opens a new connection at most every 2 s while no delivery has succeeded", async () => {
    const clock = createManualClock();
    emulator = await createTelegramEmulator({ clock });
    // Nothing listens on port 9 (discard): every connection is refused.
    await setWebhook(emulator, { url: "http://127.0.0.1:9/hook" });
    emulator.sendUpdate(updates.message());
    await until(() => emulator.deliveries.length === 1, "the first attempt");
    expect(emulator.deliveries[0]).toMatchObject({ error: "Connection refused", retryInMs: 0 });
    // The first retry is due at once, but the next connection may open only 2 s after the last one.
    await sleep(100);
    expect(emulator.deliveries).toHaveLength(1);
    clock.advance(1999);
    await sleep(50);
    expect(emulator.deliveries).toHaveLength(1);
    clock.advance(1);
    await until(() => emulator.deliveries.length === 2, "the second attempt");
  });
});

describe("getUpdates throttling", () => {
  it("caps the long poll at 50 s", async () => {
    const clock = createManualClock();
    emulator = await createTelegramEmulator({ clock });
    const poll = track(callApi(emulator, "getUpdates", { timeout: 100 }));
    await sleep(50);
    clock.advance(49_999);
    await sleep(50);
    expect(poll.done).toBe(false);
    clock.advance(1);
    await until(() => poll.done, "the long poll to end");
    expect(poll.value?.body).toEqual({ ok: true, result: [] });
  });

  it("answers the same offset within 0.5 s with at most one update, and waits 3 s on a repeat", async () => {
    const clock = createManualClock();
    emulator = await createTelegramEmulator({ clock, firstUpdateId: 1 });
    emulator.sendUpdates([updates.message(), updates.message(), updates.message()]);
    const first = await callApi(emulator, "getUpdates", { offset: 1 });
    expect(first.body.result).toHaveLength(3);
    const second = await callApi(emulator, "getUpdates", { offset: 1 });
    expect(second.body.result.map((update: { update_id: number }) => update.update_id)).toEqual([1]);
    clock.advance(600);
    expect((await callApi(emulator, "getUpdates", { offset: 1 })).body.result).toHaveLength(3);
    // Confirm everything, then repeat that offset with timeout 0: the server waits 3 s for news.
    expect((await callApi(emulator, "getUpdates", { offset: 4 })).body.result).toEqual([]);
    const repeat = track(callApi(emulator, "getUpdates", { offset: 4, timeout: 0 }));
    await sleep(50);
    expect(repeat.done).toBe(false);
    clock.advance(3000);
    await until(() => repeat.done, "the repeated call");
    expect(repeat.value?.body).toEqual({ ok: true, result: [] });
  });

  it("holds a repeated 409 Conflict for 3 s", async () => {
    const clock = createManualClock();
    emulator = await createTelegramEmulator({ clock });
    await setWebhook(emulator, { url: "http://127.0.0.1:9/hook" });
    const first = await callApi(emulator, "getUpdates");
    expect(first.status).toBe(409);
    const second = track(callApi(emulator, "getUpdates"));
    await sleep(50);
    expect(second.done).toBe(false);
    clock.advance(3000);
    await until(() => second.done, "the second conflict");
    expect(second.value?.body).toEqual({
      ok: false,
      error_code: 409,
      description:
        "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first",
    });
  });
});

describe("production rules with loopback webhooks", () => {
  it("keeps production limits and checks, but accepts a webhook on this machine", async () => {
    emulator = await createTelegramEmulator({
      local: false,
      loopbackWebhooks: true,
      setWebhookRateLimitMs: 0,
    });
    receiver = await startReceiver();
    await setWebhook(emulator, { url: receiver.url });
    expect(emulator.webhookInfo()).toMatchObject({ url: receiver.url, max_connections: 40 });
    await setWebhook(emulator, { url: receiver.url, max_connections: 500 });
    expect(emulator.webhookInfo().max_connections).toBe(100);
    emulator.sendUpdate(updates.message());
    await emulator.waitForIdle();
    expect(receiver.requests).toHaveLength(1);
    const elsewhere = await callApi(emulator, "setWebhook", { url: "http://10.1.2.3:8080/hook" });
    expect(elsewhere.body.description).toBe(
      "Bad Request: bad webhook: An HTTPS URL must be provided for webhook",
    );
    const reserved = await callApi(emulator, "setWebhook", { url: "https://10.1.2.3/hook" });
    expect(reserved.body.description).toBe("Bad Request: bad webhook: IP address 10.1.2.3 is reserved");
  });

  it("without loopbackWebhooks, production refuses a loopback webhook", async () => {
    emulator = await createTelegramEmulator({ local: false });
    const reply = await callApi(emulator, "setWebhook", { url: "https://127.0.0.1/hook" });
    expect(reply.body.description).toBe("Bad Request: bad webhook: IP address 127.0.0.1 is reserved");
  });
});
