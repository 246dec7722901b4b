import { setTimeout as sleep } from "node:timers/promises";
import type { WebhookEvent } from "@telehook/core";
import { updates } from "@telehook/testing";
import { describe, test } from "vitest";
import { createCleanup } from "./helpers/cleanup.js";
import { registerWith, SECRET, startEmulator } from "./helpers/emulator.js";
import { deliveriesOf, HandlerLog } from "./helpers/events.js";
import { startWebhookServer } from "./helpers/servers.js";

// Overload shedding proven against the emulator's real delivery: Telegram opens up to max_connections
// requests at once, one per chat; past `maxInFlight` telehook answers 503 with Retry-After before anything
// runs, the emulator keeps the update and sends it again after Retry-After, and nothing is lost or doubled.
// Shedding is core's decision and every adapter's translation of 503 + Retry-After is covered by the
// conformance suite, so one adapter is enough here.

describe("overload shedding through the emulator", () => {
  test("a flood past maxInFlight is answered 503 with Retry-After, redelivered later, and every update is handled once", async ({
    expect,
    onTestFinished,
  }) => {
    const cleanup = createCleanup(onTestFinished);
    // 1 emulated second is 20 real ms: Retry-After 5 is 100 ms, each handler takes 2 emulated seconds.
    const emulator = await startEmulator(cleanup, { timeScale: 0.02 });
    const log = new HandlerLog();
    const events: WebhookEvent[] = [];
    let running = 0;
    let mostAtOnce = 0;
    const maxInFlight = 3;
    const server = await startWebhookServer("express", (url) => ({
      secretToken: SECRET,
      maxInFlight,
      deadlineMs: emulator.clock.toRealMs(20_000),
      onUpdate: (update) =>
        log.track(update, async () => {
          mostAtOnce = Math.max(mostAtOnce, ++running);
          await sleep(emulator.clock.toRealMs(2_000));
          running--;
        }),
      instrumentation: { onEvent: (event) => void events.push(event) },
      setWebhook: registerWith(emulator, url, { maxConnections: 40 }),
    }));
    cleanup.add(() => server.close());
    const registered = await server.webhook.ready;
    if (!registered?.ok) throw new Error(`registration failed: ${JSON.stringify(registered)}`);

    // One update for each of 12 chats: Telegram may send them all at once.
    const flood = emulator.sendUpdates(
      Array.from({ length: 12 }, (_, chat) => updates.message({ text: `flood ${chat}`, chatId: 500 + chat })),
    );
    await log.waitFor(
      () => flood.every((update) => log.ends(update.update_id) === 1),
      "every update of the flood to be handled",
    );
    await emulator.waitForIdle();

    // Some were shed: 503 with Retry-After, honoured by the emulator, never run on that attempt.
    const shed = emulator.deliveries.filter((record) => record.status === 503);
    expect(shed.length).toBeGreaterThan(0);
    for (const record of shed) expect(record).toMatchObject({ outcome: "failed", retryAfter: 5 });
    const refusals = events.filter((event) => event.type === "refused");
    expect(refusals.length).toBe(shed.length);
    for (const refusal of refusals) expect(refusal).toMatchObject({ reason: "overloaded", shed: true });

    // Each shed update came back no sooner than Retry-After, and was then delivered.
    for (const record of shed) {
      const attempts = deliveriesOf(emulator, record.updateId);
      const next = attempts.find((later) => later.attempt === record.attempt + 1);
      expect(next, `the retry of update ${record.updateId}`).toBeDefined();
      expect((next?.startedAt ?? 0) - record.finishedAt).toBeGreaterThanOrEqual(5_000);
      expect(attempts.at(-1)).toMatchObject({ outcome: "delivered", status: 200 });
    }

    // Nothing lost, nothing doubled, never more than the limit at once, nothing left at Telegram.
    for (const update of flood) expect(log.starts(update.update_id), `update ${update.update_id}`).toBe(1);
    expect(mostAtOnce).toBeLessThanOrEqual(maxInFlight);
    expect(emulator.webhookInfo().pending_update_count).toBe(0);
    expect(server.webhook.stats()).toMatchObject({ inFlight: 0, queued: 0 });
  });
});
