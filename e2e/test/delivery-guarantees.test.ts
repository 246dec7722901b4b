import { setTimeout as sleep } from "node:timers/promises";
import type { Update, WebhookOptions } from "@telehook/core";
import { type TelegramEmulator, type TelegramEmulatorOptions, updates } from "@telehook/testing";
import { describe, test } from "vitest";
import { type Cleanup, createCleanup } from "./helpers/cleanup.js";
import { changingSetWebhookCalls, registerWith, SECRET, startEmulator } from "./helpers/emulator.js";
import { createGate, deliveriesOf, deliveryLogged, HandlerLog } from "./helpers/events.js";
import { ADAPTERS, type AdapterName, startWebhookServer, type WebhookServer } from "./helpers/servers.js";

// telehook's delivery guarantees, each proven against the emulator's real delivery: its 60 s deadline and
// immediate redelivery, its per-chat queues, its backoff and Retry-After. Emulated time runs fast
// (`timeScale`), and telehook's own durations are given in the same scale through `emulator.clock`.

type Handler = (update: Update) => unknown;

interface Setup {
  readonly emulator: TelegramEmulator;
  readonly server: WebhookServer;
  readonly log: HandlerLog;
}

/**
 * An emulator and `adapter` behind a listener, registered through the `setWebhook` option. `handle` is the
 * bot's work; the log records when each run starts and ends.
 */
async function setup(
  cleanup: Cleanup,
  adapter: AdapterName,
  emulatorOptions: TelegramEmulatorOptions,
  handle: Handler,
  options: (emulator: TelegramEmulator, url: string) => Partial<WebhookOptions> = () => ({}),
): Promise<Setup> {
  const emulator = await startEmulator(cleanup, emulatorOptions);
  const log = new HandlerLog();
  const server = await startWebhookServer(adapter, (url) => ({
    secretToken: SECRET,
    onUpdate: async (update) => {
      await log.track(update, () => handle(update));
    },
    onError: () => {},
    onDeadLetter: () => {},
    setWebhook: registerWith(emulator, url),
    ...options(emulator, url),
  }));
  cleanup.add(() => server.close());
  const outcome = await server.webhook.ready;
  if (!outcome?.ok) throw new Error(`registration failed: ${JSON.stringify(outcome)}`);
  return { emulator, server, log };
}

describe.concurrent.each(ADAPTERS)("%s", (adapter) => {
  test("a handler that takes 70 s is acknowledged before Telegram's 60 s timeout and runs exactly once", async ({
    expect,
    onTestFinished,
  }) => {
    const cleanup = createCleanup(onTestFinished);
    // 60 emulated seconds are 1.2 real seconds; telehook acknowledges after 10 emulated seconds.
    const deadlines: number[] = [];
    let finishedAt = Number.NaN;
    const { emulator, log } = await setup(
      cleanup,
      adapter,
      { timeScale: 0.02 },
      async () => {
        await sleep(emulator.clock.toRealMs(70_000));
        finishedAt = emulator.clock.now();
      },
      (emulator) => ({
        deadlineMs: emulator.clock.toRealMs(10_000),
        onDeadline: (update) => deadlines.push(update.update_id),
      }),
    );
    const update = emulator.sendUpdate(updates.message({ text: "render the report", chatId: 31 }));
    await log.waitFor(() => log.ends(update.update_id) === 1, "the 70 s handler to finish");
    await emulator.waitForIdle();

    expect(log.starts(update.update_id)).toBe(1);
    const records = deliveriesOf(emulator, update.update_id);
    expect(records).toHaveLength(1);
    const [record] = records;
    expect(record).toMatchObject({ outcome: "delivered", status: 200, attempt: 1 });
    // Telegram got its 200 before its own deadline, and long before the handler was done.
    expect((record?.finishedAt ?? 0) - (record?.startedAt ?? 0)).toBeLessThan(60_000);
    expect(record?.finishedAt).toBeLessThan(finishedAt);
    expect(deadlines).toEqual([update.update_id]);
    expect(emulator.webhookInfo().last_error_message).toBeUndefined();
  });

  test("when the emulator times out and redelivers while the first copy still runs, the copy does not run again", async ({
    expect,
    onTestFinished,
  }) => {
    const cleanup = createCleanup(onTestFinished);
    // telehook's deadline is set above Telegram's 60 s here (as with deadlineMs: 90_000 in production),
    // so the emulator gives up first, records "Read timeout expired" and sends the update again at once.
    const gate = createGate();
    const { emulator, server, log } = await setup(
      cleanup,
      adapter,
      { timeScale: 0.02 },
      () => gate.opened,
      (emulator) => ({ deadlineMs: emulator.clock.toRealMs(90_000) }),
    );
    // Opened before the webhook is drained, so a failed assertion cannot leave a handler hanging.
    cleanup.add(() => gate.open());
    const update = emulator.sendUpdate(updates.message({ text: "slow", chatId: 32 }));
    await log.waitFor(() => log.starts(update.update_id) === 1, "the first run to start");
    await deliveryLogged(
      emulator,
      (record) => record.updateId === update.update_id && record.error === "Read timeout expired",
      "the emulator's 60 s timeout",
    );
    // The redelivered copy reached the listener while the first run was still going.
    await server.waitForArrivals(2);
    expect(log.ends(update.update_id)).toBe(0);
    gate.open();
    await emulator.waitForIdle();

    expect(log.starts(update.update_id)).toBe(1);
    const records = deliveriesOf(emulator, update.update_id);
    expect(records[0]).toMatchObject({
      outcome: "failed",
      attempt: 1,
      error: "Read timeout expired",
      retryInMs: 0,
    });
    expect(records.at(-1)).toMatchObject({ outcome: "delivered", status: 200 });
    // Any attempt between them can only be another timeout, never a failure telehook answered.
    for (const record of records.slice(1, -1)) expect(record.error).toBe("Read timeout expired");
  });

  test("an update delivered again after it was handled (a lost answer) is acknowledged without running again", async ({
    expect,
    onTestFinished,
  }) => {
    const cleanup = createCleanup(onTestFinished);
    const { emulator, log } = await setup(cleanup, adapter, { timeScale: 0.01 }, () => {});
    const first = emulator.sendUpdate(updates.message({ text: "pay 10 EUR", chatId: 33 }));
    await emulator.waitForIdle();
    // Telegram sends the very same update again, as it does when it never saw the 200.
    const again = emulator.sendUpdate(first);
    expect(again.update_id).toBe(first.update_id);
    await emulator.waitForIdle();

    expect(log.starts(first.update_id)).toBe(1);
    expect(deliveriesOf(emulator, first.update_id).map((record) => [record.outcome, record.status])).toEqual([
      ["delivered", 200],
      ["delivered", 200],
    ]);
  });

  test("a handler that always fails is retried until the budget is spent, dead-lettered, and the chat moves on", async ({
    expect,
    onTestFinished,
  }) => {
    const cleanup = createCleanup(onTestFinished);
    const deadLetters: [number, unknown][] = [];
    const { emulator, log } = await setup(
      cleanup,
      adapter,
      { timeScale: 0.01 },
      (update) => {
        if (update.message?.text === "poison") throw new Error("cannot parse");
      },
      () => ({
        maxAttempts: 3,
        retryAfterSeconds: 1,
        onDeadLetter: (update, error) => deadLetters.push([update.update_id, error]),
      }),
    );
    const [poison, next] = emulator.sendUpdates([
      updates.message({ text: "poison", chatId: 34 }),
      updates.message({ text: "next in the same chat", chatId: 34 }),
    ]);
    if (!poison || !next) throw new Error("sendUpdates returned too few updates");
    await emulator.waitForIdle();

    const records = deliveriesOf(emulator, poison.update_id);
    expect(
      records.map((record) => [record.attempt, record.outcome, record.status, record.retryAfter]),
    ).toEqual([
      [1, "failed", 500, 1],
      [2, "failed", 500, 1],
      [3, "delivered", 200, undefined],
    ]);
    expect(log.starts(poison.update_id)).toBe(3);
    expect(deadLetters).toEqual([[poison.update_id, new Error("cannot parse")]]);
    // Unblocked: the chat's next update went out once the poison one was acknowledged, and was handled.
    const [nextRecord] = deliveriesOf(emulator, next.update_id);
    expect(nextRecord).toMatchObject({ outcome: "delivered", attempt: 1 });
    expect(nextRecord?.startedAt).toBeGreaterThanOrEqual(records[2]?.finishedAt ?? Number.POSITIVE_INFINITY);
    expect(log.started).toEqual([poison.update_id, poison.update_id, poison.update_id, next.update_id]);

    // Delivered again later, the dead-lettered update is not retried: it counts as handled.
    emulator.sendUpdate(poison);
    await emulator.waitForIdle();
    expect(log.starts(poison.update_id)).toBe(3);
    expect(deadLetters).toHaveLength(1);
  });

  test("two updates of one chat never overlap; one that cannot start by its deadline is refused 503, and Telegram keeps it", async ({
    expect,
    onTestFinished,
  }) => {
    const cleanup = createCleanup(onTestFinished);
    const gate = createGate();
    const deadlines: number[] = [];
    const { emulator, log } = await setup(
      cleanup,
      adapter,
      { timeScale: 0.02 },
      (update) => (update.message?.text === "slow" ? gate.opened : undefined),
      (emulator) => ({
        deadlineMs: emulator.clock.toRealMs(5_000),
        onDeadline: (update) => deadlines.push(update.update_id),
      }),
    );
    // Opened before the webhook is drained, so a failed assertion cannot leave a handler hanging.
    cleanup.add(() => gate.open());
    const [slow, second, third, otherChat] = emulator.sendUpdates([
      updates.message({ text: "slow", chatId: 35 }),
      updates.message({ text: "second", chatId: 35 }),
      updates.message({ text: "third", chatId: 35 }),
      updates.message({ text: "another chat", chatId: 36 }),
    ]);
    if (!slow || !second || !third || !otherChat) throw new Error("sendUpdates returned too few updates");

    // telehook acknowledged the slow update at its deadline, so Telegram sent the chat's next update. That
    // one waited its turn; at its own deadline it had not started, so telehook refused it with Retry-After
    // instead of acknowledging it, and Telegram kept it (and the third behind it).
    await deliveryLogged(
      emulator,
      (record) => record.updateId === second.update_id && record.status === 503,
      "the chat's second update to be refused while the first still runs",
    );
    await log.waitFor(() => log.ends(otherChat.update_id) === 1, "the other chat's update to be handled");
    expect(new Set(log.started)).toEqual(new Set([slow.update_id, otherChat.update_id]));
    const refused = emulator.deliveries.find((r) => r.updateId === second.update_id);
    expect(refused).toMatchObject({ outcome: "failed", status: 503, retryAfter: 5 });
    expect(emulator.deliveries.some((r) => r.updateId === third.update_id)).toBe(false);

    gate.open();
    await log.waitFor(() => log.ends(third.update_id) === 1, "the chat's third update to be handled");
    expect(log.overlapsWithinChats()).toEqual([]);
    expect(log.started.filter((id) => id !== otherChat.update_id)).toEqual([
      slow.update_id,
      second.update_id,
      third.update_id,
    ]);
    expect(deadlines).toEqual([slow.update_id]);
    for (const update of [slow, second, third, otherChat]) expect(log.starts(update.update_id)).toBe(1);
    await emulator.waitForIdle();
    expect(emulator.webhookInfo().pending_update_count).toBe(0);
  });

  test("close() finishes the updates in flight; updates arriving meanwhile get 503 and reach the next instance", async ({
    expect,
    onTestFinished,
  }) => {
    const cleanup = createCleanup(onTestFinished);
    const gate = createGate();
    const shortGate = createGate();
    const handledBy = new Map<number, string[]>();
    const handler = (instance: string) => (update: Update) => {
      handledBy.set(update.update_id, [...(handledBy.get(update.update_id) ?? []), instance]);
      if (update.message?.text === "in flight") return gate.opened;
      return update.message?.text === "finishing" ? shortGate.opened : undefined;
    };
    const { emulator, server, log } = await setup(
      cleanup,
      adapter,
      { timeScale: 0.02 },
      handler("old"),
      (emulator) => ({
        deadlineMs: emulator.clock.toRealMs(10_000),
      }),
    );
    // Opened before the webhook is drained, so a failed assertion cannot leave a handler hanging.
    cleanup.add(() => {
      gate.open();
      shortGate.open();
    });
    const inFlight = emulator.sendUpdate(updates.message({ text: "in flight", chatId: 41 }));
    const finishing = emulator.sendUpdate(updates.message({ text: "finishing", chatId: 43 }));
    await log.waitFor(
      () => log.starts(inFlight.update_id) === 1 && log.starts(finishing.update_id) === 1,
      "both in-flight updates to start",
    );

    let closed = false;
    const closing = server.webhook.close({ timeoutMs: 10_000 }).then((result) => {
      closed = true;
      return { ...result, inFlightEnded: log.ends(inFlight.update_id) };
    });
    // An update already being handled when close() began is answered as usual, not refused.
    shortGate.open();
    await deliveryLogged(
      emulator,
      (record) => record.updateId === finishing.update_id,
      "the update that finishes during close() to be answered",
    );
    expect(deliveriesOf(emulator, finishing.update_id)).toEqual([
      expect.objectContaining({ outcome: "delivered", status: 200, attempt: 1 }),
    ]);
    // One update of another chat arrives during the drain; one of the same chat follows the in-flight one
    // as soon as telehook's deadline has acknowledged it.
    const otherChat = emulator.sendUpdate(updates.message({ text: "during close", chatId: 42 }));
    const sameChat = emulator.sendUpdate(updates.message({ text: "after the in-flight one", chatId: 41 }));
    for (const update of [otherChat, sameChat]) {
      await deliveryLogged(
        emulator,
        (record) => record.updateId === update.update_id && record.status === 503,
        `update ${update.update_id} to be refused with 503`,
      );
    }
    const [refused] = deliveriesOf(emulator, otherChat.update_id);
    expect(refused).toMatchObject({
      outcome: "failed",
      error: "Wrong response from the webhook: 503 Service Unavailable",
      retryAfter: 5,
    });
    expect(closed).toBe(false);

    gate.open();
    // close() waited for the in-flight update to finish.
    expect(await closing).toEqual({ drained: true, unfinished: 0, inFlightEnded: 1 });
    await server.close();

    // A new instance on the same port, as after a restart; its registration finds the webhook as configured.
    // (Should another process have taken the port meanwhile, the new instance listens elsewhere and its
    // registration moves the webhook there: the updates must still arrive exactly once.)
    const newInstance = (port?: number) =>
      startWebhookServer(
        adapter,
        (url) => ({ secretToken: SECRET, onUpdate: handler("new"), setWebhook: registerWith(emulator, url) }),
        port === undefined ? {} : { port },
      );
    const restarted = await newInstance(server.port).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== "EADDRINUSE") throw error;
      return newInstance();
    });
    cleanup.add(() => restarted.close());
    const samePort = restarted.port === server.port;
    expect(await restarted.webhook.ready).toMatchObject({
      ok: true,
      result: samePort ? { changed: false, reason: "up_to_date" } : { changed: true, reason: "updated" },
    });
    expect(changingSetWebhookCalls(emulator)).toHaveLength(samePort ? 1 : 2);
    await emulator.waitForIdle();

    // Every update was handled exactly once overall, by the instance that was up when it arrived.
    expect(Object.fromEntries(handledBy)).toEqual({
      [inFlight.update_id]: ["old"],
      [finishing.update_id]: ["old"],
      [otherChat.update_id]: ["new"],
      [sameChat.update_id]: ["new"],
    });
    for (const update of [otherChat, sameChat]) {
      const records = deliveriesOf(emulator, update.update_id);
      expect(records.at(-1)).toMatchObject({ outcome: "delivered", status: 200 });
      // Before the new instance was up, every attempt failed without being handled: a 503 from the draining
      // instance, or no answer at all (the listener closing under it, then refused connections).
      for (const record of records.slice(0, -1)) {
        expect(record.outcome).toBe("failed");
        if (record.status !== undefined) expect(record.status).toBe(503);
      }
    }
    expect(emulator.webhookInfo().pending_update_count).toBe(0);
  });
});

describe.concurrent("chat_member updates, which Telegram queues by member", () => {
  // telegram-bot-api (Client::add_update_chat_member) queues a chat_member update by the member whose
  // status changed (old_chat_member's user), not by the chat or by the admin who acted; so do telehook's
  // queueKeyOf and the emulator's webhookQueueIdOf.
  test("updates about one member are delivered one at a time; an admin's change to another member is not held back", async ({
    expect,
    onTestFinished,
  }) => {
    const cleanup = createCleanup(onTestFinished);
    const gate = createGate();
    // 60 emulated seconds are 6 real ones and telehook acknowledges after 30: a few real seconds in which
    // the first update is neither answered nor timed out.
    const { emulator, server, log } = await setup(
      cleanup,
      "express",
      { timeScale: 0.1 },
      (update) => (update.chat_member?.from.id === 601 ? gate.opened : undefined),
      (emulator, url) => ({
        deadlineMs: emulator.clock.toRealMs(30_000),
        setWebhook: registerWith(emulator, url, { allowedUpdates: ["message", "chat_member"] }),
      }),
    );
    // Opened before the webhook is drained, so a failed assertion cannot leave a handler hanging.
    cleanup.add(() => gate.open());
    // Right after setWebhook Telegram uses one connection until a delivery succeeds (its ramp-up), so one
    // update is delivered first: the chats below then run in parallel, as on a healthy webhook.
    const warmUp = emulator.sendUpdate(updates.message({ chatId: 1 }));
    await emulator.waitForIdle();
    const group = -1001234;
    const admin = 500;
    const [joined, banned, other] = emulator.sendUpdates([
      updates.chatMember({ chatId: group, fromId: 601, newStatus: "member" }),
      updates.chatMember({
        chatId: group,
        fromId: admin,
        member: { id: 601 },
        oldStatus: "member",
        newStatus: "kicked",
      }),
      updates.chatMember({
        chatId: group,
        fromId: admin,
        member: { id: 602 },
        oldStatus: "member",
        newStatus: "kicked",
      }),
    ]);
    if (!joined || !banned || !other) throw new Error("sendUpdates returned too few updates");
    expect(joined.update_id).not.toBe(0); // not filtered out: chat_member is in allowed_updates
    await log.waitFor(() => log.starts(joined.update_id) === 1, "the first update about member 601 to start");

    // Member 602's queue is free: its update is delivered and handled while 601's first one runs...
    await log.waitFor(
      () => log.ends(other.update_id) === 1,
      "the update about member 602 to be handled",
      2500,
    );
    // ...and the second update about 601 has not been sent: it waits at Telegram behind the first.
    expect(new Set(log.started)).toEqual(new Set([warmUp.update_id, joined.update_id, other.update_id]));
    expect(deliveriesOf(emulator, banned.update_id)).toEqual([]);
    expect(server.arrivals).toBe(3);

    gate.open();
    await emulator.waitForIdle();
    const [joinedRecord] = deliveriesOf(emulator, joined.update_id);
    const [bannedRecord] = deliveriesOf(emulator, banned.update_id);
    expect(bannedRecord?.startedAt).toBeGreaterThanOrEqual(
      joinedRecord?.finishedAt ?? Number.POSITIVE_INFINITY,
    );
    expect(log.started).toEqual([warmUp.update_id, joined.update_id, other.update_id, banned.update_id]);
  });
});
