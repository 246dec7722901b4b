import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import {
  type ClaimResult,
  createMemoryStore,
  createWebhookHandler,
  type DeliveryStore,
  type Update,
  type WebhookOptions,
  type WebhookResult,
} from "@telehook/core";
import { afterEach, beforeEach, describe, expect, test, vi } from "vitest";
import { SECRET, telegramRequest } from "./helpers.js";

// Issue 11, defects 1–8: handlers, stores and replies that misbehave must not lose an update, acknowledge
// one that never started, pin memory, or crash the process.

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const never = () => new Promise<never>(() => {});
const message = (id: number, chatId = 1, text = `m${id}`): Update =>
  ({
    update_id: id,
    message: { message_id: id, date: 0, chat: { id: chatId, type: "private" }, text },
  }) as Update;
const send = (handler: ReturnType<typeof createWebhookHandler>, update: unknown) =>
  handler.handle(telegramRequest(JSON.stringify(update)));
const reason = (result: WebhookResult) => (result.body ? JSON.parse(result.body).error : undefined);

function build(options: Partial<WebhookOptions>) {
  const errors: { code?: string; message?: string }[] = [];
  const deadLetters: number[] = [];
  const handler = createWebhookHandler({
    secretToken: SECRET,
    onUpdate: () => {},
    onError: (error) => void errors.push(error as { code?: string }),
    onDeadLetter: (update) => void deadLetters.push(update.update_id),
    ...options,
  });
  return { handler, errors, deadLetters };
}

/** A gate a test opens by hand. */
function gate() {
  let open = () => {};
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { opened, open: () => open() };
}

const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => void unhandled.push(reason);
beforeEach(() => {
  unhandled.length = 0;
  process.on("unhandledRejection", onUnhandled);
});
afterEach(() => {
  process.off("unhandledRejection", onUnhandled);
  vi.restoreAllMocks();
});

describe("a handler that never settles (defect 1)", () => {
  test("an update still waiting behind its chat at its deadline gets 503 with Retry-After and never runs", async () => {
    const started: number[] = [];
    const { handler } = build({
      deadlineMs: 30,
      onUpdate: (update) => {
        started.push(update.update_id);
        return update.update_id === 1 ? never() : undefined;
      },
    });
    expect((await send(handler, message(1))).status).toBe(200); // started, then acknowledged at its deadline
    const waiting = await send(handler, message(2));
    expect([waiting.status, waiting.headers["retry-after"], reason(waiting)]).toEqual([
      503,
      "5",
      "not_started",
    ]);
    await sleep(50);
    expect(started).toEqual([1]); // 2 was handed back to Telegram, so it must not run here
  });

  test("a run past maxRunMs is reported, its chat goes on, and close() drains", async () => {
    const started: number[] = [];
    const { handler, errors } = build({
      deadlineMs: 20,
      maxRunMs: 60,
      onUpdate: (update) => {
        started.push(update.update_id);
        return update.update_id === 1 ? never() : undefined;
      },
    });
    expect((await send(handler, message(1))).status).toBe(200);
    await sleep(80);
    expect(errors).toEqual([expect.objectContaining({ code: "handler_timeout" })]);
    expect((await send(handler, message(2))).status).toBe(200);
    expect(started).toEqual([1, 2]);
    expect(await handler.close({ timeoutMs: 500 })).toEqual({ drained: true, unfinished: 0 });
  });

  test("updates waiting for their chat are bounded per chat and in total; past that, 503 at once", async () => {
    const hold = gate();
    const { handler } = build({
      deadlineMs: 5000,
      maxQueuedPerChat: 2,
      maxQueued: 3,
      onUpdate: () => hold.opened,
    });
    const first = send(handler, message(1, 1)); // runs
    const queued = [send(handler, message(2, 1)), send(handler, message(3, 1))];
    const overChat = await send(handler, message(4, 1));
    expect([overChat.status, overChat.headers["retry-after"], reason(overChat)]).toEqual([
      503,
      "5",
      "queue_full",
    ]);
    const otherChat = send(handler, message(5, 2)); // runs: its chat is free
    queued.push(send(handler, message(6, 2))); // the third waiting update
    const freeChat = send(handler, message(7, 3)); // chat 3 is free: nothing waits, so no limit applies
    const overAll = await send(handler, message(9, 3));
    expect([overAll.status, reason(overAll)]).toEqual([503, "queue_full"]); // three wait already
    hold.open();
    const results = await Promise.all([first, otherChat, freeChat, ...queued]);
    expect(results.map((r) => r.status)).toEqual([200, 200, 200, 200, 200, 200]);
  });
});

describe("a store that hangs, lies or lags (defect 2)", () => {
  /** The memory store with some of its methods replaced. */
  const storeWith = (replaced: Partial<DeliveryStore>, memory = createMemoryStore()): DeliveryStore => ({
    claim: (claim) => memory.claim(claim),
    renew: (claim) => memory.renew(claim),
    confirm: (claim) => memory.confirm(claim),
    release: (claim) => memory.release(claim),
    ...replaced,
  });

  test("a claim that never settles is answered 503 within storeTimeoutMs, and nothing runs", async () => {
    let runs = 0;
    const { handler, errors } = build({
      deadlineMs: 1000,
      storeTimeoutMs: 30,
      store: storeWith({ claim: () => never() }),
      onUpdate: () => void runs++,
    });
    const result = await send(handler, message(1));
    expect([result.status, result.headers["retry-after"], reason(result)]).toEqual([
      503,
      "5",
      "store_unavailable",
    ]);
    expect(runs).toBe(0);
    expect(errors).toEqual([expect.objectContaining({ code: "store_failed" })]);
    expect(errors[0]?.message).toContain("did not answer within 30 ms");
  });

  test("a claim granted after storeTimeoutMs is given back, so it blocks neither the update nor its chat", async () => {
    const memory = createMemoryStore();
    let runs = 0;
    const { handler } = build({
      storeTimeoutMs: 20,
      store: storeWith(
        {
          claim: async (claim) => {
            if (claim.updateId === 1) await sleep(60); // a client that queued the command while offline
            return memory.claim(claim);
          },
        },
        memory,
      ),
      onUpdate: () => void runs++,
    });
    expect((await send(handler, message(1))).status).toBe(503);
    await sleep(80); // the late claim has landed by now, and was given back
    expect((await send(handler, message(2))).status).toBe(200); // same chat: not blocked by a stale lease
    expect(memory.claim({ updateId: 1, queueKey: "chat:1", owner: "next instance", leaseMs: 1000 })).toBe(
      "claimed",
    );
    expect(runs).toBe(1);
  });

  test("a claim that is a non-native thenable is honoured; one that returns undefined is a store failure", async () => {
    let runs = 0;
    const thenable = (value: ClaimResult) => ({
      // biome-ignore lint/suspicious/noThenProperty: a thenable from another promise library is the point.
      then: (resolve: (v: ClaimResult) => void) => resolve(value),
    });
    const honoured = build({
      store: storeWith({ claim: () => thenable("claimed") as unknown as Promise<ClaimResult> }),
      onUpdate: () => void runs++,
    });
    expect((await send(honoured.handler, message(1))).status).toBe(200);
    expect(runs).toBe(1);
    const broken = build({
      store: storeWith({ claim: () => undefined as unknown as ClaimResult }),
      onUpdate: () => void runs++,
    });
    const result = await send(broken.handler, message(2));
    expect([result.status, reason(result)]).toEqual([503, "store_unavailable"]);
    expect(runs).toBe(1);
  });

  test("a slow claim does not let the chat's next update run first", async () => {
    const order: number[] = [];
    const memory = createMemoryStore();
    const { handler } = build({
      store: storeWith(
        {
          claim: async (claim) => {
            if (claim.updateId === 1) await sleep(40);
            return memory.claim(claim);
          },
        },
        memory,
      ),
      onUpdate: (update) => void order.push(update.update_id),
    });
    await Promise.all([send(handler, message(1)), send(handler, message(2))]);
    expect(order).toEqual([1, 2]);
  });

  test("a failure whose release outlasts the deadline is still answered 500 with Retry-After", async () => {
    const { handler, deadLetters } = build({
      deadlineMs: 30,
      store: storeWith({ release: () => sleep(80) }),
      onUpdate: () => {
        throw new Error("fails");
      },
    });
    const result = await send(handler, message(1));
    expect([result.status, result.headers["retry-after"], reason(result)]).toEqual([
      500,
      "5",
      "handler_failed",
    ]);
    expect(deadLetters).toEqual([]);
  });
});

describe("memory and clocks (defects 3 and 4)", () => {
  test("one slow update in flight does not keep later finished updates alive", async () => {
    setFlagsFromString("--expose-gc");
    const gc = runInNewContext("gc") as () => void;
    const hold = gate();
    const alive: WeakRef<object>[] = [];
    const { handler } = build({
      deadlineMs: 10_000,
      onUpdate: (update) => {
        alive.push(new WeakRef(update));
        return update.update_id === 1 ? hold.opened : undefined;
      },
    });
    const slow = send(handler, message(1, 1));
    for (let id = 2; id <= 200; id++) await send(handler, message(id, id, "x".repeat(10_000)));
    await sleep(0);
    gc();
    await sleep(0);
    gc();
    const stillAlive = alive.slice(1).filter((ref) => ref.deref() !== undefined).length;
    expect(stillAlive).toBeLessThan(10);
    hold.open();
    expect((await slow).status).toBe(200);
  });

  test("a wall clock stepped back does not stretch the deadline", async () => {
    const realNow = Date.now.bind(Date);
    let finished = false;
    const { handler } = build({
      deadlineMs: 40,
      onUpdate: async () => {
        vi.spyOn(Date, "now").mockImplementation(() => realNow() - 60_000);
        await sleep(400);
        finished = true;
      },
    });
    const result = await send(handler, message(1));
    expect(result.status).toBe(200);
    expect(finished).toBe(false); // answered at the deadline, not when the handler ended
  });
});

describe("webhook replies (defects 5, 6 and 7)", () => {
  test("a reply whose method is not a string, or a method getter that throws, is reported, not thrown", async () => {
    const values: unknown[] = [
      { method: Object.create(null) },
      {
        get method() {
          throw new Error("getter");
        },
      },
      new Proxy(
        {},
        {
          has() {
            throw new Error("has trap");
          },
        },
      ),
      { method: "sendMessage", chat_id: 1, text: "x", big: 10n },
    ];
    let next = 0;
    const { handler, errors } = build({ webhookReply: true, onUpdate: () => values[next++] as undefined });
    for (let id = 1; id <= values.length; id++) {
      const result = await send(handler, message(id, id));
      expect([result.status, result.body]).toEqual([200, ""]);
    }
    await sleep(10);
    expect(errors.map((e) => e.code)).toEqual(Array(values.length).fill("invalid_webhook_reply"));
    expect(unhandled).toEqual([]);
  });

  test("the method checked is the one serialised: toJSON and getters cannot smuggle a forbidden call", async () => {
    class Reply {
      chat_id = 1;
      text = "x";
      get method() {
        return "sendMessage";
      }
    }
    const values: unknown[] = [
      {
        method: "sendMessage",
        chat_id: 1,
        text: "x",
        toJSON: () => ({ method: "deleteWebhook", drop_pending_updates: true }),
      },
      new Reply(),
    ];
    let next = 0;
    const { handler, errors } = build({ webhookReply: true, onUpdate: () => values[next++] as undefined });
    for (let id = 1; id <= values.length; id++) {
      const result = await send(handler, message(id, id));
      expect([result.status, result.body]).toEqual([200, ""]);
    }
    expect(errors.map((e) => e.code)).toEqual(["invalid_webhook_reply", "invalid_webhook_reply"]);
  });

  test("a copy sent again after a lost answer gets the same reply, without running again", async () => {
    let runs = 0;
    const { handler } = build({
      webhookReply: true,
      onUpdate: () => {
        runs++;
        return { method: "sendMessage", chat_id: 1, text: "pong" };
      },
    });
    const first = await send(handler, message(1));
    const copy = await send(handler, message(1));
    expect(JSON.parse(first.body)).toEqual({ method: "sendMessage", chat_id: 1, text: "pong" });
    expect([copy.status, copy.body]).toEqual([200, first.body]);
    expect(runs).toBe(1);
  });
});

describe("Object.prototype names as update types (defect 8)", () => {
  test.each(["constructor", "toString", "hasOwnProperty", "valueOf", "__defineGetter__"])(
    "an update of type %s is delivered like any unknown type, once",
    async (type) => {
      const seen: string[] = [];
      const { handler } = build({ onUpdate: (_update, { updateType }) => void seen.push(updateType) });
      const update = { update_id: 1, [type]: { chat: { id: 1 } } };
      expect((await send(handler, update)).status).toBe(200);
      expect((await send(handler, { update_id: 2, [type]: {} })).status).toBe(200);
      expect((await send(handler, update)).status).toBe(200); // a copy: acknowledged, not run again
      expect(seen).toEqual([type, type]);
    },
  );
});
