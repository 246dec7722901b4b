import type { Update, WebhookRegistrationOutcome } from "@telehook/core";
import { updates } from "@telehook/testing";
import { describe, test } from "vitest";
import { createCleanup } from "./helpers/cleanup.js";
import { registerWith, SECRET, startEmulator } from "./helpers/emulator.js";
import { deliveriesOf } from "./helpers/events.js";
import { ADAPTERS, startWebhookServer } from "./helpers/servers.js";

// Every adapter behind a real listener on 127.0.0.1 registers itself with the emulator through its
// `setWebhook` option, then gets the emulator's real HTTP deliveries — Telegram's headers, body, per-chat
// queues, backoff and Retry-After — with nothing mocked in between.

/** The registration outcome, asserted to be a success. */
function succeeded(outcome: WebhookRegistrationOutcome | null) {
  if (outcome === null || !outcome.ok) throw new Error(`registration failed: ${JSON.stringify(outcome)}`);
  return outcome.result;
}

describe.concurrent.each(ADAPTERS)("%s behind a real listener", (adapter) => {
  test("registers its webhook through the setWebhook option, then receives every update once, in chat order", async ({
    expect,
    onTestFinished,
  }) => {
    const cleanup = createCleanup(onTestFinished);
    const emulator = await startEmulator(cleanup, { timeScale: 0.01 });
    const received: Update[] = [];
    const server = await startWebhookServer(adapter, (url) => ({
      secretToken: SECRET,
      onUpdate: (update) => {
        received.push(update);
      },
      setWebhook: registerWith(emulator, url),
    }));
    cleanup.add(() => server.close());

    const registered = succeeded(await server.webhook.ready);
    expect(registered).toMatchObject({ changed: true, reason: "updated", setWebhookCalls: 1 });
    // Local mode came from the loopback apiRoot: the http URL on a random port was accepted as it is,
    // with telehook's secret fingerprint as its only addition.
    expect(registered.url.startsWith(`${server.url}?telehook=`)).toBe(true);
    expect(registered.url).toMatch(/\?telehook=[A-Za-z0-9_-]{22}$/);
    expect(emulator.webhookInfo()).toMatchObject({ url: registered.url, pending_update_count: 0 });
    const [setWebhook] = emulator.callsTo("setWebhook");
    expect(setWebhook?.params).toMatchObject({ url: registered.url, secret_token: SECRET });
    expect(emulator.callsTo("setWebhook")).toHaveLength(1);

    const sent = emulator.sendUpdates([
      updates.message({ text: "/start", chatId: 1001 }),
      updates.message({ text: "second in chat 1001", chatId: 1001 }),
      updates.message({ text: "Grüße, ünïcödé 🚀", chatId: 1002 }),
      updates.callbackQuery({ data: "yes", fromId: 1001 }),
      updates.editedMessage({ text: "edited", chatId: 1001 }),
      updates.inlineQuery({ query: "cats", fromId: 1003 }),
    ]);
    await emulator.waitForIdle();

    // Each update arrived exactly once and byte-for-byte as Telegram built it (the emulator escapes
    // non-ASCII to \uXXXX, so equality also proves the JSON was decoded right).
    expect([...received].sort((a, b) => a.update_id - b.update_id)).toEqual(sent);
    // The emulator serialises a chat's messages and edits; telehook kept that order.
    const inChat1001 = (update: Update) =>
      (update.message ?? update.edited_message)?.chat.id === 1001 ? [update.update_id] : [];
    expect(received.flatMap(inChat1001)).toEqual(sent.flatMap(inChat1001));
    expect(sent.flatMap(inChat1001)).toHaveLength(3);
    expect(emulator.deliveries).toHaveLength(sent.length);
    for (const record of emulator.deliveries) {
      expect(record).toMatchObject({ outcome: "delivered", status: 200, attempt: 1 });
    }
    expect(emulator.webhookInfo().last_error_message).toBeUndefined();
  });

  test("a handler failure is answered 500 with Retry-After; the emulator waits that long, redelivers, and it succeeds", async ({
    expect,
    onTestFinished,
  }) => {
    const cleanup = createCleanup(onTestFinished);
    const emulator = await startEmulator(cleanup, { timeScale: 0.01 });
    const attempts = new Map<number, number>();
    const errors: unknown[] = [];
    const handled: number[] = [];
    const server = await startWebhookServer(adapter, (url) => ({
      secretToken: SECRET,
      onUpdate: (update) => {
        const attempt = (attempts.get(update.update_id) ?? 0) + 1;
        attempts.set(update.update_id, attempt);
        if (update.message?.text === "flaky" && attempt === 1) throw new Error("database unavailable");
        handled.push(update.update_id);
      },
      onError: (error) => errors.push(error),
      setWebhook: registerWith(emulator, url),
    }));
    cleanup.add(() => server.close());
    succeeded(await server.webhook.ready);

    const [flaky, next] = emulator.sendUpdates([
      updates.message({ text: "flaky", chatId: 2001 }),
      updates.message({ text: "after the flaky one", chatId: 2001 }),
    ]);
    if (!flaky || !next) throw new Error("sendUpdates returned too few updates");
    await emulator.waitForIdle();

    const [failed, retried] = deliveriesOf(emulator, flaky.update_id);
    expect(deliveriesOf(emulator, flaky.update_id)).toHaveLength(2);
    // telehook's answer, as the emulator read it off the wire: 500 with Retry-After: 5 (the default).
    expect(failed).toMatchObject({
      outcome: "failed",
      attempt: 1,
      status: 500,
      error: "Wrong response from the webhook: 500 Internal Server Error",
      retryAfter: 5,
      retryInMs: 5000,
    });
    expect(retried).toMatchObject({ outcome: "delivered", status: 200, attempt: 2 });
    // Honoured: the retry came 5 emulated seconds later (1 real ms is 100 emulated ms here).
    expect((retried?.startedAt ?? 0) - (failed?.finishedAt ?? 0)).toBeGreaterThanOrEqual(4900);
    // The chat's next update waited for the retry to succeed, as Telegram's per-chat queue does.
    const [nextRecord] = deliveriesOf(emulator, next.update_id);
    expect(nextRecord?.startedAt).toBeGreaterThanOrEqual(retried?.finishedAt ?? Number.POSITIVE_INFINITY);
    expect(handled).toEqual([flaky.update_id, next.update_id]);
    expect(attempts.get(flaky.update_id)).toBe(2);
    expect(errors).toEqual([new Error("database unavailable")]);
    // Telegram keeps showing the last error after recovery, as getWebhookInfo does.
    expect(emulator.webhookInfo()).toMatchObject({
      pending_update_count: 0,
      last_error_message: "Wrong response from the webhook: 500 Internal Server Error",
    });
  });

  test("a Bot API call returned by onUpdate goes back as the webhook reply, and the emulator runs it", async ({
    expect,
    onTestFinished,
  }) => {
    const cleanup = createCleanup(onTestFinished);
    const emulator = await startEmulator(cleanup, { timeScale: 0.01 });
    const server = await startWebhookServer(adapter, (url) => ({
      secretToken: SECRET,
      webhookReply: true,
      onUpdate: (update) =>
        update.message
          ? {
              method: "sendMessage" as const,
              chat_id: update.message.chat.id,
              text: `got: ${update.message.text}`,
            }
          : undefined,
      setWebhook: registerWith(emulator, url),
    }));
    cleanup.add(() => server.close());
    succeeded(await server.webhook.ready);

    emulator.sendUpdate(updates.message({ text: "ping", chatId: 3001 }));
    await emulator.waitForIdle();

    // No request to the Bot API: the call travelled in the 200 response, which the emulator parsed and ran.
    const [reply] = emulator.callsTo("sendMessage");
    expect(emulator.callsTo("sendMessage")).toHaveLength(1);
    expect(reply).toMatchObject({
      source: "webhook-reply",
      params: { chat_id: 3001, text: "got: ping" },
      response: { ok: true },
    });
    expect(emulator.deliveries).toEqual([expect.objectContaining({ outcome: "delivered", status: 200 })]);
  });
});
