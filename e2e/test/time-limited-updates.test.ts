import type { Update } from "@telehook/core";
import { updates } from "@telehook/testing";
import { describe, test } from "vitest";
import { createCleanup } from "./helpers/cleanup.js";
import { registerWith, SECRET, startEmulator } from "./helpers/emulator.js";
import { createGate, deliveriesOf, deliveryLogged, HandlerLog } from "./helpers/events.js";
import { ADAPTERS, startWebhookServer } from "./helpers/servers.js";

// Time-limited updates (payments, callback queries, Bot API 10.4 widget queries) of a chat whose message
// handler is stuck: the emulator queues them apart from the chat's messages, as Telegram does, and telehook
// must not hold them back either. Real time: nothing here waits for a deadline.

describe.concurrent.each(ADAPTERS)("%s", (adapter) => {
  test("payments, callback queries and widget queries of a chat never wait behind its slow message", async ({
    expect,
    onTestFinished,
  }) => {
    const cleanup = createCleanup(onTestFinished);
    const emulator = await startEmulator(cleanup);
    const gate = createGate();
    const log = new HandlerLog();
    const server = await startWebhookServer(adapter, (url) => ({
      secretToken: SECRET,
      onUpdate: async (update: Update) => {
        await log.track(update, () => (update.message ? gate.opened : undefined));
      },
      onError: () => {},
      setWebhook: registerWith(emulator, url),
    }));
    // Opened before the webhook is drained, so a failed assertion cannot leave a handler hanging.
    cleanup.add(() => server.close());
    cleanup.add(() => gate.open());
    const outcome = await server.webhook.ready;
    expect(outcome?.ok).toBe(true);

    // Right after setWebhook Telegram uses one connection until a delivery succeeds (its ramp-up): one update
    // that does not block goes first, so the webhook is healthy and the updates below get their connections.
    emulator.sendUpdate(updates.callbackQuery({ fromId: 1 }));
    await emulator.waitForIdle();

    const chatId = 4242;
    const fromId = 4242;
    const [slow, behind, ...queries] = emulator.sendUpdates([
      updates.message({ chatId, fromId, text: "slow" }),
      updates.message({ chatId, fromId, text: "waits for the slow one" }),
      updates.preCheckoutQuery({ fromId }),
      updates.shippingQuery({ fromId }),
      updates.callbackQuery({ chatId, fromId }),
      updates.callbackQuery({ fromId, message: null }),
      updates.widgetQuery({ chatId, fromId }),
      updates.widgetQuery({ fromId, inline: true }),
      updates.sharedWidgetQuery({ fromId }),
    ]);
    if (!slow || !behind || queries.length !== 7) throw new Error("sendUpdates returned too few updates");
    await log.waitFor(
      () => queries.every((query) => log.ends(query.update_id) === 1),
      "every time-limited update to be handled while the message is stuck",
    );
    expect(log.ends(slow.update_id)).toBe(0);
    expect(log.starts(behind.update_id)).toBe(0);
    for (const query of queries) {
      await deliveryLogged(emulator, (record) => record.updateId === query.update_id, "its acknowledgement");
      expect(deliveriesOf(emulator, query.update_id)).toEqual([
        expect.objectContaining({ outcome: "delivered", status: 200 }),
      ]);
    }

    gate.open();
    await emulator.waitForIdle();
    expect(log.ends(behind.update_id)).toBe(1);
    expect(log.started.at(-1)).toBe(behind.update_id);
  });
});
