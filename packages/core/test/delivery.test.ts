import {
  createMemoryStore,
  createWebhookHandler,
  type Update,
  type WebhookOptions,
  type WebhookRequest,
} from "@telehook/core";
import { describe, expect, test } from "vitest";
import { SECRET, telegramRequest } from "./helpers.js";

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const message = (id: number, chatId = 1): Update =>
  ({
    update_id: id,
    message: { message_id: id, date: 0, chat: { id: chatId, type: "private" }, text: `m${id}` },
  }) as Update;
const send = (handler: ReturnType<typeof createWebhookHandler>, update: Update) =>
  handler.handle(telegramRequest(JSON.stringify(update)));
const build = (options: Partial<WebhookOptions>) =>
  createWebhookHandler({
    secretToken: SECRET,
    onUpdate: () => {},
    onError: () => {},
    onDeadLetter: () => {},
    ...options,
  });

describe("the deadline", () => {
  test("answers 200 at the deadline, tells onDeadline, and lets the handler finish", async () => {
    const events: string[] = [];
    const kept: Promise<unknown>[] = [];
    const handler = build({
      deadlineMs: 50,
      onUpdate: async () => {
        await sleep(150);
        events.push("finished");
      },
      onDeadline: (update) => void events.push(`deadline ${update.update_id}`),
      waitUntil: (promise) => void kept.push(promise),
    });
    const started = Date.now();
    const result = await send(handler, message(1));
    expect(result.status).toBe(200);
    expect(Date.now() - started).toBeLessThan(140);
    expect(events).toEqual(["deadline 1"]);
    expect(kept).toHaveLength(1);
    await kept[0];
    expect(events).toEqual(["deadline 1", "finished"]);
  });

  test("a failure after the deadline goes to onError and onDeadLetter, since Telegram will not retry", async () => {
    const deadLetters: [number, unknown][] = [];
    const failure = new Error("late failure");
    const handler = build({
      deadlineMs: 20,
      onUpdate: async () => {
        await sleep(60);
        throw failure;
      },
      onDeadLetter: (update, error) => void deadLetters.push([update.update_id, error]),
    });
    expect((await send(handler, message(2))).status).toBe(200);
    await handler.close();
    expect(deadLetters).toEqual([[2, failure]]);
  });
});

describe("per-chat order", () => {
  test("an update of a chat waits for the chat's earlier update, even after an early acknowledgement", async () => {
    const log: string[] = [];
    let release = () => {};
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    const handler = build({
      deadlineMs: 200,
      onUpdate: async (update) => {
        log.push(`start ${update.update_id}`);
        if (update.update_id === 1) await released;
        log.push(`end ${update.update_id}`);
      },
    });
    expect((await send(handler, message(1, 7))).status).toBe(200); // acknowledged early at 200 ms
    const second = send(handler, message(2, 7));
    expect((await send(handler, message(3, 8))).status).toBe(200);
    expect(log).toEqual(["start 1", "start 3", "end 3"]);
    release();
    expect((await second).status).toBe(200);
    await handler.close();
    expect(log).toEqual(["start 1", "start 3", "end 3", "end 1", "start 2", "end 2"]);
  });

  test("callback queries are ordered per user, not per chat", async () => {
    const running = new Set<number>();
    let overlapped = false;
    const handler = build({
      onUpdate: async (update) => {
        const user = update.callback_query?.from.id ?? 0;
        if (running.has(user)) overlapped = true;
        running.add(user);
        await sleep(10);
        running.delete(user);
      },
    });
    const query = (id: number, user: number) =>
      ({
        update_id: id,
        callback_query: {
          id: `q${id}`,
          from: { id: user, is_bot: false, first_name: "U" },
          chat_instance: "c",
          data: "x",
        },
      }) as Update;
    await Promise.all([
      send(handler, query(10, 5)),
      send(handler, query(11, 5)),
      send(handler, query(12, 6)),
    ]);
    expect(overlapped).toBe(false);
  });
});

describe("deduplication", () => {
  // The chat's line alone would hold a keyed copy back until the run ended; a copy of an update with no
  // queue key has only the running runs to find its run in.
  test.each([
    ["a message", message(20)],
    [
      "an update with no queue key",
      { update_id: 23, update_type_of_tomorrow: { id: 1 } } as unknown as Update,
    ],
  ])("concurrent copies of %s run onUpdate once and all get its answer", async (_, update) => {
    let runs = 0;
    const handler = build({
      onUpdate: async () => {
        runs++;
        await sleep(30);
      },
    });
    const results = await Promise.all([1, 2, 3].map(() => send(handler, update)));
    expect(results.map((r) => r.status)).toEqual([200, 200, 200]);
    expect(runs).toBe(1);
  });

  test("a copy sent again from inside a synchronous onUpdate joins the run instead of starting another", async () => {
    const runs: number[] = [];
    let copy: Promise<{ status: number }> | undefined;
    const handler = build({
      onUpdate: (update) => {
        runs.push(update.update_id);
        // A handler that hands the same update back to the webhook (a test harness, a replay) re-enters it.
        copy ??= send(handler, update);
      },
    });
    const unkeyed = { update_id: 24, update_type_of_tomorrow: { id: 1 } } as unknown as Update;
    expect((await send(handler, unkeyed)).status).toBe(200);
    expect((await copy)?.status).toBe(200);
    expect((await send(handler, message(25))).status).toBe(200);
    expect(runs).toEqual([24, 25]);
  });

  test("a copy that arrives after success is acknowledged without running again", async () => {
    let runs = 0;
    const handler = build({ onUpdate: () => void runs++ });
    await send(handler, message(21));
    expect((await send(handler, message(21))).status).toBe(200);
    expect(runs).toBe(1);
  });

  test("a failed update is released, so its redelivery runs again", async () => {
    let runs = 0;
    const handler = build({
      onUpdate: () => {
        runs++;
        if (runs === 1) throw new Error("first try fails");
      },
    });
    expect((await send(handler, message(22))).status).toBe(500);
    expect((await send(handler, message(22))).status).toBe(200);
    expect(runs).toBe(2);
  });

  test("an update another instance is handling gets 409 with Retry-After", async () => {
    const shared = createMemoryStore();
    shared.claim({ updateId: 23, queueKey: undefined, owner: "another instance", leaseMs: 60_000 });
    let runs = 0;
    const handler = build({ store: shared, onUpdate: () => void runs++ });
    const result = await send(handler, message(23));
    expect([result.status, result.headers["retry-after"]]).toEqual([409, "5"]);
    expect(runs).toBe(0);
  });

  test("the memory store forgets the oldest ids beyond its window", async () => {
    let runs = 0;
    const handler = build({ store: createMemoryStore({ windowSize: 2 }), onUpdate: () => void runs++ });
    for (const id of [30, 31, 32, 30]) await send(handler, message(id));
    expect(runs).toBe(4);
  });

  test("an id handled again after its retention ended counts once in the window", async () => {
    // The window holds the last 2 ids. Id 50 expires, is handled again with a long retention, then one
    // other id follows: 50 is still among the last 2, so a copy of it is a duplicate.
    const store = createMemoryStore({ windowSize: 2 });
    const owner = "this instance";
    const call = (updateId: number, retentionMs: number) => ({
      updateId,
      queueKey: undefined,
      owner,
      leaseMs: 60_000,
      retentionMs,
    });
    store.claim(call(50, 1));
    store.confirm(call(50, 1));
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(store.claim(call(50, 60_000))).toBe("claimed");
    store.confirm(call(50, 60_000));
    store.claim(call(51, 60_000));
    store.confirm(call(51, 60_000));
    expect(store.claim({ ...call(50, 60_000), owner: "a copy" })).toBe("done");
  });

  test("with dedupe off, every copy runs", async () => {
    let runs = 0;
    const handler = build({ dedupe: false, onUpdate: () => void runs++ });
    await send(handler, message(40));
    await send(handler, message(40));
    expect(runs).toBe(2);
  });

  test("a failing store answers 503 with Retry-After, runs nothing, and onError is told", async () => {
    const errors: unknown[] = [];
    const broken = {
      claim: () => Promise.reject(new Error("redis down")),
      renew: () => true,
      confirm() {},
      release() {},
    };
    let runs = 0;
    const handler = build({
      store: broken,
      onUpdate: () => void runs++,
      onError: (e) => void errors.push(e),
    });
    const result = await send(handler, message(41));
    expect([result.status, result.headers["retry-after"], JSON.parse(result.body).error]).toEqual([
      503,
      "5",
      "store_unavailable",
    ]);
    expect(runs).toBe(0);
    expect(errors).toEqual([expect.objectContaining({ code: "store_failed" })]);
  });
});

describe("the error policy", () => {
  const failing = () => {
    throw new Error("always fails");
  };

  test("by default a failing update is retried with Retry-After, then dead-lettered and acknowledged", async () => {
    const deadLetters: number[] = [];
    const errors: unknown[] = [];
    const handler = build({
      onUpdate: failing,
      onError: (e) => void errors.push(e),
      onDeadLetter: (update) => void deadLetters.push(update.update_id),
    });
    const answers = [];
    for (let attempt = 0; attempt < 3; attempt++) {
      const result = await send(handler, message(50));
      answers.push([result.status, result.headers["retry-after"]]);
    }
    expect(answers).toEqual([
      [500, "5"],
      [500, "5"],
      [200, undefined],
    ]);
    expect(deadLetters).toEqual([50]);
    expect(errors).toHaveLength(3);
    // Once dead-lettered it is done: a late redelivery does not run it again.
    expect((await send(handler, message(50))).status).toBe(200);
    expect(errors).toHaveLength(3);
  });

  test("maxAttempts and retryAfterSeconds shape the budget", async () => {
    const handler = build({ onUpdate: failing, maxAttempts: 1, retryAfterSeconds: 30 });
    expect((await send(handler, message(51))).status).toBe(200);
  });

  test('"acknowledge" never retries', async () => {
    const deadLetters: number[] = [];
    const handler = build({
      onUpdate: failing,
      errorPolicy: "acknowledge",
      onDeadLetter: (u) => void deadLetters.push(u.update_id),
    });
    expect((await send(handler, message(52))).status).toBe(200);
    expect(deadLetters).toEqual([52]);
  });

  test('"retry" always retries', async () => {
    const handler = build({ onUpdate: failing, errorPolicy: "retry" });
    const statuses = [];
    for (let i = 0; i < 5; i++) statuses.push((await send(handler, message(53))).status);
    expect(statuses).toEqual([500, 500, 500, 500, 500]);
  });

  test("a function decides per error, knowing how often the update failed", async () => {
    const seen: number[] = [];
    const handler = build({
      onUpdate: failing,
      errorPolicy: (_error, _update, failures) => {
        seen.push(failures);
        return failures < 2 ? "retry" : "acknowledge";
      },
    });
    const statuses = [];
    for (let i = 0; i < 2; i++) statuses.push((await send(handler, message(54))).status);
    expect(statuses).toEqual([500, 200]);
    expect(seen).toEqual([1, 2]);
  });

  test("a policy that throws retries rather than losing the update", async () => {
    const handler = build({
      onUpdate: failing,
      errorPolicy: () => {
        throw new Error("policy bug");
      },
    });
    expect((await send(handler, message(55))).status).toBe(500);
  });
});

describe("webhook replies", () => {
  const reply = { method: "sendMessage", chat_id: 1, text: "hi" } as const;

  test("with webhookReply on, the returned call is the response body", async () => {
    const handler = build({ webhookReply: true, onUpdate: () => reply });
    const result = await send(handler, message(60));
    expect(result.status).toBe(200);
    expect(result.headers["content-type"]).toMatch(/^application\/json/);
    expect(JSON.parse(result.body)).toEqual(reply);
  });

  test("with webhookReply off, nothing is sent and onError says why", async () => {
    const errors: unknown[] = [];
    const handler = build({ onUpdate: () => reply, onError: (e) => void errors.push(e) });
    const result = await send(handler, message(61));
    expect([result.status, result.body]).toEqual([200, ""]);
    expect(errors).toEqual([expect.objectContaining({ code: "webhook_reply_disabled" })]);
  });

  test.each(["getMe", "getChat", "setWebhook", "deleteWebhook", "logOut", "close"])(
    "%s is refused locally, because Telegram ignores it",
    async (method) => {
      const errors: unknown[] = [];
      const handler = build({
        webhookReply: true,
        onUpdate: () => ({ method }) as never,
        onError: (e) => void errors.push(e),
      });
      const result = await send(handler, message(62));
      expect([result.status, result.body]).toEqual([200, ""]);
      expect(errors).toEqual([expect.objectContaining({ code: "invalid_webhook_reply" })]);
    },
  );

  test("a reply over 1 MiB is refused locally", async () => {
    const errors: unknown[] = [];
    const handler = build({
      webhookReply: true,
      onUpdate: () => ({ method: "sendMessage", chat_id: 1, text: "x".repeat(1024 * 1024) }),
      onError: (e) => void errors.push(e),
    });
    expect((await send(handler, message(63))).body).toBe("");
    expect(errors).toEqual([expect.objectContaining({ code: "invalid_webhook_reply" })]);
  });

  test("a reply that comes after the deadline is never sent", async () => {
    const errors: unknown[] = [];
    const handler = build({
      webhookReply: true,
      deadlineMs: 10,
      onUpdate: async () => {
        await sleep(40);
        return reply;
      },
      onError: (e) => void errors.push(e),
    });
    expect((await send(handler, message(64))).body).toBe("");
    await handler.close();
    expect(errors).toEqual([expect.objectContaining({ code: "webhook_reply_too_late" })]);
  });
});

describe("graceful drain", () => {
  test("close() answers new requests 503 with Retry-After and waits for updates in flight", async () => {
    let finished = 0;
    const handler = build({
      deadlineMs: 10,
      onUpdate: async () => {
        await sleep(80);
        finished++;
      },
    });
    expect((await send(handler, message(70))).status).toBe(200); // acknowledged early, still running
    const closing = handler.close({ timeoutMs: 2000 });
    const refused = await send(handler, message(71));
    expect([refused.status, refused.headers["retry-after"]]).toEqual([503, "5"]);
    expect(await closing).toEqual({ drained: true, unfinished: 0 });
    expect(finished).toBe(1);
  });

  test("close() gives up after its timeout and says how much was unfinished", async () => {
    const handler = build({ deadlineMs: 5, onUpdate: () => sleep(300) });
    await send(handler, message(72));
    expect(await handler.close({ timeoutMs: 20 })).toEqual({ drained: false, unfinished: 1 });
  });
});

describe("the source address allowlist", () => {
  const request = (remoteAddress: string, forwardedFor?: string) => {
    const base = telegramRequest(JSON.stringify(message(80)), { "x-forwarded-for": forwardedFor });
    return { ...base, remoteAddress };
  };

  test("by default only Telegram's published ranges are accepted", async () => {
    const handler = build({ sourceIp: {}, dedupe: false });
    expect((await handler.handle(request("149.154.167.220"))).status).toBe(200);
    expect((await handler.handle(request("::ffff:91.108.4.10"))).status).toBe(200);
    const outside = await handler.handle(request("203.0.113.9"));
    expect([outside.status, JSON.parse(outside.body).error]).toEqual([403, "source_not_allowed"]);
  });

  test("X-Forwarded-For is ignored unless proxies are declared", async () => {
    const handler = build({ sourceIp: {} });
    expect((await handler.handle(request("10.0.0.2", "149.154.167.220"))).status).toBe(403);
  });

  test("with one trusted proxy, the address it saw is checked, not one the client wrote", async () => {
    const handler = build({ sourceIp: { trustedProxyHops: 1 }, dedupe: false });
    expect((await handler.handle(request("10.0.0.2", "149.154.167.220"))).status).toBe(200);
    expect((await handler.handle(request("10.0.0.2", "149.154.167.220, 198.51.100.7"))).status).toBe(403);
  });

  test("a malformed range fails when the handler is built", () => {
    expect(() => build({ sourceIp: { allow: ["149.154.160.0/33"] } })).toThrow(/not an IPv4 range/);
  });
});

describe("registering the webhook on start-up", () => {
  test("without the setWebhook option, ready is null and setWebhook() explains what is missing", async () => {
    const handler = build({});
    expect(await handler.ready).toBeNull();
    await expect(handler.setWebhook()).rejects.toThrow(/needs the setWebhook option/);
  });

  test("a setWebhook that would register a different secret than the one checked is refused at once", () => {
    expect(() =>
      build({
        setWebhook: { token: "1:x", url: "https://bot.example.com/bot", secretToken: "other" } as never,
      }),
    ).toThrow(/share one secret/);
  });
});

describe("per-request deadlines (serverless)", () => {
  const request = (update: Update, extra: Partial<WebhookRequest>) => ({
    ...telegramRequest(JSON.stringify(update)),
    ...extra,
  });

  test("a request's own deadlineMs, shorter than the option's, is a hard end: a running update is refused, never acknowledged", async () => {
    const reasons: string[] = [];
    const deadlines: number[] = [];
    const handler = build({
      deadlineMs: 5000,
      onUpdate: () => sleep(200),
      onReject: (rejection) => void reasons.push(rejection.reason),
      onDeadline: (update) => void deadlines.push(update.update_id),
    });
    const result = await handler.handle(request(message(60), { deadlineMs: 30 }));
    expect([result.status, result.headers["retry-after"], reasons, deadlines]).toEqual([
      503,
      "5",
      ["still_running"],
      [],
    ]);
  });

  test('whenRunningAtDeadline "refuse": a copy that arrives while the refused run goes on waits for its end, within its own deadline', async () => {
    let runs = 0;
    let finish = () => {};
    const handler = build({
      onUpdate: () => {
        runs++;
        return new Promise<void>((resolve) => {
          finish = resolve;
        });
      },
    });
    const refuse = { deadlineMs: 20, whenRunningAtDeadline: "refuse" } as const;
    const first = await handler.handle(request(message(63), refuse));
    // Still running at the copy's own deadline: refused too, and it did not start another run.
    const early = await handler.handle(request(message(63), refuse));
    // Finishes while the next copy waits: that copy gets the run's own outcome.
    const waiting = handler.handle(
      request(message(63), { deadlineMs: 2000, whenRunningAtDeadline: "refuse" }),
    );
    await sleep(20);
    finish();
    const late = await waiting;
    expect([first.status, early.status, late.status, late.body, runs]).toEqual([503, 503, 200, "", 1]);
  });

  test('whenRunningAtDeadline "refuse": 503 with Retry-After, the copy is deduplicated against the run, no reply too late', async () => {
    let runs = 0;
    const errors: unknown[] = [];
    const handler = build({
      webhookReply: true,
      onError: (error) => void errors.push(error),
      onUpdate: async () => {
        runs++;
        await sleep(80);
        return { method: "sendMessage", chat_id: 1, text: "late" };
      },
    });
    const refused = await handler.handle(
      request(message(61), { deadlineMs: 20, whenRunningAtDeadline: "refuse" }),
    );
    expect([refused.status, refused.headers["retry-after"], JSON.parse(refused.body).error]).toEqual([
      503,
      "5",
      "still_running",
    ]);
    await sleep(100);
    const copy = await handler.handle(
      request(message(61), { deadlineMs: 20, whenRunningAtDeadline: "refuse" }),
    );
    expect([copy.status, copy.body]).toEqual([200, ""]);
    expect(runs).toBe(1);
    expect(errors).toEqual([expect.objectContaining({ code: "webhook_reply_too_late" })]);
  });

  test('whenRunningAtDeadline "refuse": a run that fails after its 503 is released, so the copy runs again', async () => {
    let runs = 0;
    const handler = build({
      onUpdate: async () => {
        runs++;
        await sleep(60);
        if (runs === 1) throw new Error("first run fails");
      },
    });
    const first = await handler.handle(
      request(message(62), { deadlineMs: 20, whenRunningAtDeadline: "refuse" }),
    );
    expect(first.status).toBe(503);
    await sleep(80);
    expect((await handler.handle(request(message(62), {}))).status).toBe(200);
    expect(runs).toBe(2);
  });
});
