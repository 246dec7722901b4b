import { createMemoryStore, createWebhookHandler, type Update, type WebhookOptions } from "@telehook/core";
import { describe, expect, test } from "vitest";
import { SECRET, telegramRequest } from "./helpers.js";

// Two handlers sharing one store stand for two instances behind a load balancer.

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const message = (id: number, chatId = 1): Update =>
  ({
    update_id: id,
    message: { message_id: id, date: 0, chat: { id: chatId, type: "private" }, text: `m${id}` },
  }) as Update;
const send = (handler: ReturnType<typeof createWebhookHandler>, update: Update) =>
  handler.handle(telegramRequest(JSON.stringify(update)));
const reason = (body: string) => (body ? JSON.parse(body).error : undefined);

function gate() {
  let open = () => {};
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { opened, open: () => open() };
}

function instances(options: Partial<WebhookOptions>) {
  const store = createMemoryStore();
  const log: string[] = [];
  const errors: unknown[] = [];
  const make = (name: string) =>
    createWebhookHandler({
      secretToken: SECRET,
      store,
      onError: (error) => void errors.push(error),
      onDeadLetter: () => {},
      ...options,
      onUpdate: async (update, context) => {
        log.push(`${name} start ${update.update_id}`);
        await options.onUpdate?.(update, context);
        log.push(`${name} end ${update.update_id}`);
      },
    });
  return { a: make("a"), b: make("b"), store, log, errors };
}

describe("a store shared by several instances", () => {
  test("a chat's next update waits while another instance runs the earlier one, then runs in order", async () => {
    const release = gate();
    const { a, b, log } = instances({
      deadlineMs: 300,
      onUpdate: (update) => (update.update_id === 1 ? release.opened : undefined),
    });
    expect((await send(a, message(1))).status).toBe(200); // acknowledged at a's deadline, still running
    const second = send(b, message(2));
    await sleep(120);
    expect(log).toEqual(["a start 1"]); // b waits for a's lease on the chat
    release.open();
    expect((await second).status).toBe(200);
    expect(log).toEqual(["a start 1", "a end 1", "b start 2", "b end 2"]);
  });

  test("when the other instance still holds the chat at the deadline, the update is refused 503 and never runs", async () => {
    const release = gate();
    const { a, b, log } = instances({
      deadlineMs: 30,
      onUpdate: (update) => (update.update_id === 1 ? release.opened : undefined),
    });
    expect((await send(a, message(1))).status).toBe(200);
    const refused = await send(b, message(2));
    expect([refused.status, refused.headers["retry-after"], reason(refused.body)]).toEqual([
      503,
      "5",
      "not_started",
    ]);
    release.open();
    await sleep(10);
    expect(log).toEqual(["a start 1", "a end 1"]);
    expect((await send(b, message(2))).status).toBe(200); // Telegram's redelivery runs now
  });

  test("a copy that reaches another instance while the first runs gets 409; after it, 200 without running", async () => {
    const release = gate();
    const { a, b, log } = instances({ deadlineMs: 1000, onUpdate: () => release.opened });
    const first = send(a, message(5, 9));
    await sleep(5);
    const copy = await send(b, message(5, 9));
    expect([copy.status, reason(copy.body)]).toEqual([409, "duplicate_in_progress"]);
    release.open();
    expect((await first).status).toBe(200);
    expect((await send(b, message(5, 9))).status).toBe(200);
    expect(log).toEqual(["a start 5", "a end 5"]);
  });

  test("a run that outlives its lease keeps it by renewing; a copy elsewhere is still refused", async () => {
    const release = gate();
    const { a, b, log } = instances({ deadlineMs: 20, leaseMs: 40, onUpdate: () => release.opened });
    expect((await send(a, message(7))).status).toBe(200);
    await sleep(120); // three leases long
    const copy = await send(b, message(7));
    expect(copy.status).toBe(409);
    release.open();
    await sleep(10);
    expect(log).toEqual(["a start 7", "a end 7"]);
  });

  test("an instance that died holding a claim blocks the update only until its lease expires", async () => {
    const { a, store, log } = instances({ deadlineMs: 1000 });
    store.claim({ updateId: 8, queueKey: "chat:1", owner: "a killed instance", leaseMs: 50 });
    expect((await send(a, message(8))).status).toBe(409);
    await sleep(60);
    expect((await send(a, message(8))).status).toBe(200);
    expect(log).toEqual(["a start 8", "a end 8"]);
  });

  test("a stuck run frees its chat on every instance once it passes maxRunMs", async () => {
    const { a, b, log, errors } = instances({
      deadlineMs: 20,
      maxRunMs: 50,
      onUpdate: (update) => (update.update_id === 1 ? new Promise(() => {}) : undefined),
    });
    expect((await send(a, message(1))).status).toBe(200);
    await sleep(70);
    expect(errors).toEqual([expect.objectContaining({ code: "handler_timeout" })]);
    expect((await send(b, message(2))).status).toBe(200);
    expect((await send(b, message(1))).status).toBe(200); // acknowledged already: done, not run again
    expect(log).toEqual(["a start 1", "b start 2", "b end 2"]);
  });
});
