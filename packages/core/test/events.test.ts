import {
  createMemoryStore,
  createWebhookHandler,
  type DeliveryStore,
  type Update,
  type WebhookEvent,
  type WebhookOptions,
} from "@telehook/core";
import { describe, expect, test } from "vitest";
import { SECRET, telegramRequest } from "./helpers.js";

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const TEXT = "a private message that must never reach an event";
const message = (id: number, chatId = 4242): Update =>
  ({
    update_id: id,
    message: { message_id: id, date: 0, chat: { id: chatId, type: "private" }, text: TEXT },
  }) as Update;
const send = (handler: ReturnType<typeof createWebhookHandler>, update: Update, secret = SECRET) =>
  handler.handle(telegramRequest(JSON.stringify(update), { "x-telegram-bot-api-secret-token": secret }));

function recorded(options: Partial<WebhookOptions> = {}, includeIds = false) {
  const events: WebhookEvent[] = [];
  const handler = createWebhookHandler({
    secretToken: SECRET,
    onError: () => {},
    onDeadLetter: () => {},
    onUpdate: () => {},
    ...options,
    instrumentation: { includeIds, onEvent: (event) => void events.push(event) },
  });
  return { handler, events, types: () => events.map((e) => e.type) };
}

describe("the event stream", () => {
  test("a handled update: received, started, finished, with timings and no ids or text", async () => {
    const { handler, events, types } = recorded();
    await send(handler, message(1));
    expect(types()).toEqual(["received", "started", "finished"]);
    expect(events[0]).toMatchObject({ updateId: 1, updateType: "message", queueKind: "chat" });
    expect(events[2]).toMatchObject({ durationMs: expect.any(Number), acknowledgedEarly: false });
    expect(new Set(events.map((e) => (e as { runId?: string }).runId)).size).toBe(1);
    const serialised = JSON.stringify(events);
    for (const secret of [TEXT, SECRET, "4242"]) expect(serialised).not.toContain(secret);
  });

  test("queue keys reach only a consumer that asks for ids", async () => {
    const { handler, events } = recorded({}, true);
    await send(handler, message(2));
    expect(events[0]).toMatchObject({ queueKey: "chat:4242" });
  });

  test("failures, retries, dead letters, early answers, duplicates, refusals, rejections, stuck runs", async () => {
    let attempt = 0;
    const hold = new Promise<void>(() => {});
    const { handler, types, events } = recorded({
      deadlineMs: 20,
      maxRunMs: 60,
      maxAttempts: 2,
      onUpdate: async (update) => {
        if (update.update_id === 10) throw new TypeError(`secret ${TEXT}`);
        if (update.update_id === 11 && attempt++ === 0) await sleep(40);
        if (update.update_id === 12) await hold;
      },
    });
    await send(handler, message(10, 1)); // failed, retried
    await send(handler, message(10, 1)); // failed, dead-lettered
    await send(handler, message(11, 2)); // acknowledged at the deadline, finished later
    await sleep(40);
    await send(handler, message(11, 2)); // a copy of a handled update
    await send(handler, message(12, 3)); // never settles: acknowledged, then stuck
    const refused = await send(handler, message(13, 3)); // waits behind 12: refused at its deadline
    expect(refused.status).toBe(503);
    await send(handler, message(14, 5), "wrong");
    await sleep(60);
    const seen = new Set(types());
    for (const type of [
      "received",
      "started",
      "failed",
      "dead_lettered",
      "acknowledged",
      "finished",
      "duplicate",
      "queued",
      "refused",
      "rejected",
      "stuck",
    ]) {
      expect(seen, type).toContain(type);
    }
    const failed = events.filter((e) => e.type === "failed");
    expect(failed.map((e) => e.verdict)).toEqual(["retry", "dead_letter"]);
    expect(failed[0]).toMatchObject({ errorType: "TypeError" });
    expect(events.find((e) => e.type === "refused")).toMatchObject({ reason: "not_started", shed: false });
    expect(events.find((e) => e.type === "rejected")).toMatchObject({
      status: 401,
      reason: "secret_token_invalid",
    });
    expect(JSON.stringify(events)).not.toContain(TEXT);
  });

  test("shedding: past maxInFlight an update is refused 503 before anything runs, and the event says so", async () => {
    const hold = new Promise<void>(() => {});
    let runs = 0;
    const { handler, events } = recorded({
      deadlineMs: 5000,
      maxInFlight: 2,
      onUpdate: () => {
        runs++;
        return hold;
      },
    });
    void send(handler, message(1, 1));
    void send(handler, message(2, 2));
    const shed = await send(handler, message(3, 3));
    expect([shed.status, shed.headers["retry-after"], JSON.parse(shed.body).error]).toEqual([
      503,
      "5",
      "overloaded",
    ]);
    expect(runs).toBe(2);
    expect(events.find((e) => e.type === "refused")).toMatchObject({ reason: "overloaded", shed: true });
  });

  test("store errors, closing and drained", async () => {
    const memory = createMemoryStore();
    const broken: DeliveryStore = { ...memory, claim: () => Promise.reject(new Error("down")) };
    const { handler, events, types } = recorded({ store: broken });
    await send(handler, message(20));
    await handler.close({ timeoutMs: 100 });
    expect(types()).toEqual(["received", "store_error", "refused", "closing", "drained"]);
    expect(events[1]).toMatchObject({ action: "claim", timedOut: false, errorType: "Error" });
    expect(events[4]).toMatchObject({ drained: true, unfinished: 0 });
  });

  test("a consumer that throws changes no answer", async () => {
    const handler = createWebhookHandler({
      secretToken: SECRET,
      onUpdate: () => {},
      instrumentation: {
        onEvent() {
          throw new Error("consumer bug");
        },
      },
    });
    expect((await send(handler, message(30))).status).toBe(200);
  });
});

describe("stats() and the logger", () => {
  test("stats() counts outcomes and reasons and shows what runs and waits", async () => {
    let release = () => {};
    const handler = createWebhookHandler({
      secretToken: SECRET,
      deadlineMs: 20,
      stats: true,
      onUpdate: (update) =>
        update.update_id === 1
          ? new Promise<void>((resolve) => {
              release = resolve;
            })
          : undefined,
    });
    await send(handler, message(1, 1));
    const waiting = send(handler, message(2, 1));
    await send(handler, message(3, 9), "wrong");
    await sleep(5);
    const during = handler.stats();
    expect(during).toMatchObject({ inFlight: 2, queued: 1, store: { healthy: true, failures: 0 } });
    expect(during.oldestRunningMs).toBeGreaterThanOrEqual(20);
    expect(during.counts).toMatchObject({ received: 2, started: 1, acknowledged: 1, rejected: 1 });
    expect(during.rejections).toEqual({ secret_token_invalid: 1 });
    expect((await waiting).status).toBe(503);
    release();
    await sleep(5);
    expect(handler.stats()).toMatchObject({ inFlight: 0, queued: 0, oldestRunningMs: 0 });
  });

  test("without stats: true, stats() still tells what runs and waits, and counts nothing", async () => {
    const handler = createWebhookHandler({ secretToken: SECRET, onUpdate: () => {} });
    await send(handler, message(1));
    expect(handler.stats()).toMatchObject({ counts: {}, inFlight: 0, queued: 0 });
  });

  test("the logger gets events at its level and above, console-style or pino-style, without text or ids", async () => {
    const lines: unknown[][] = [];
    const consoleLike = {
      debug: (...args: unknown[]) => void lines.push(["debug", ...args]),
      info: (...args: unknown[]) => void lines.push(["info", ...args]),
      warn: (...args: unknown[]) => void lines.push(["warn", ...args]),
      error: (...args: unknown[]) => void lines.push(["error", ...args]),
    };
    const handler = createWebhookHandler({
      secretToken: SECRET,
      logger: consoleLike,
      logLevel: "warn",
      onError: () => {},
      onUpdate: () => {
        throw new Error(TEXT);
      },
    });
    await send(handler, message(40));
    await send(handler, message(41), "wrong");
    expect(lines.map((line) => [line[0], line[1]])).toEqual([
      ["warn", "telehook: update 40 (message) failed with Error; Telegram will retry"],
      ["warn", "telehook: request rejected 401 secret_token_invalid"],
    ]);
    const pinoLines: unknown[][] = [];
    const pinoLike = { child: () => pinoLike, info: (...args: unknown[]) => void pinoLines.push(args) };
    const quiet = createWebhookHandler({
      secretToken: SECRET,
      logger: pinoLike,
      onUpdate: () => {},
      deadlineMs: 10,
    });
    await send(quiet, message(42), "wrong");
    expect(pinoLines[0]?.[0]).toMatchObject({ type: "rejected", reason: "secret_token_invalid" });
    expect(JSON.stringify([lines, pinoLines])).not.toContain(TEXT);
  });
});
