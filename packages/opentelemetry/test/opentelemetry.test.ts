import { metrics, SpanKind, SpanStatusCode, trace } from "@opentelemetry/api";
import type { ReadableSpan } from "@opentelemetry/sdk-trace-base";
import { createMemoryStore } from "@telehook/core";
import { type DeliveryStore, telegramWebhook, type Update, type WebhookOptions } from "@telehook/express";
import { openTelemetry } from "@telehook/opentelemetry";
import { CONFORMANCE_SECRET, telegramHeaders } from "@telehook/testing/conformance";
import express from "express";
import request from "supertest";
import { afterEach, describe, expect, test } from "vitest";
import { inMemorySdk, until } from "./sdk.js";

const TEXT = "a private message that must never reach telemetry";
const BOT_TOKEN = "123456789:AAE_abcdefghijklmnopqrstuvwxyz012345";
const CHAT_ID = 987654321;
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

const message = (id: number, chat = CHAT_ID): string =>
  JSON.stringify({
    update_id: id,
    message: {
      message_id: id,
      date: 0,
      chat: { id: chat + 0, type: "private" },
      from: { id: chat, is_bot: false, first_name: TEXT },
      text: `${TEXT} ${BOT_TOKEN}`,
    },
  });

let sdk: ReturnType<typeof inMemorySdk> | undefined;
afterEach(async () => {
  await sdk?.shutdown();
  sdk = undefined;
});

/** An Express app with HTTP server spans, the webhook at /bot with openTelemetry(), on a real socket. */
function instrumentedApp(options: Partial<WebhookOptions>) {
  sdk = inMemorySdk();
  const telemetry = openTelemetry({ tracerProvider: sdk.tracerProvider, meterProvider: sdk.meterProvider });
  const app = express();
  app.use(sdk.httpServerSpans());
  const webhook = telegramWebhook({
    secretToken: CONFORMANCE_SECRET,
    onUpdate: () => {},
    onError: () => {},
    onDeadLetter: () => {},
    ...options,
    instrumentation: telemetry,
  });
  app.use("/bot", webhook);
  const post = (body: string, secret = CONFORMANCE_SECRET) =>
    request(app).post("/bot").set(telegramHeaders(secret)).send(body);
  return { sdk, telemetry, webhook, post };
}

const processSpans = (spans: readonly ReadableSpan[], id?: number) =>
  spans.filter(
    (span) =>
      span.name === "process telegram" &&
      (id === undefined || span.attributes["messaging.message.id"] === String(id)),
  );
const eventNames = (span: ReadableSpan | undefined) => span?.events.map((event) => event.name) ?? [];
const pointsOf = async (name: string) =>
  ((await sdk?.metrics())?.get(name)?.points ?? []).map((point) => ({
    attributes: point.attributes,
    value: point.value,
  }));

/** Everything a backend would store: names, attributes, events, statuses, metric points. */
async function everythingExported(spans: readonly ReadableSpan[]): Promise<string> {
  const metrics = [...((await sdk?.metrics())?.values() ?? [])];
  return JSON.stringify({
    spans: spans.map((span) => ({
      name: span.name,
      attributes: span.attributes,
      events: span.events.map((event) => [event.name, event.attributes]),
      status: span.status,
    })),
    metrics,
  });
}

describe("openTelemetry() on Express over real HTTP", () => {
  test("every outcome arrives as a span, a span event and a metric, under the HTTP span, with nothing private", async () => {
    let attempts11 = 0;
    const { sdk, webhook, post } = instrumentedApp({
      deadlineMs: 30,
      maxRunMs: 120,
      maxAttempts: 2,
      onUpdate: async (update: Update) => {
        if (update.update_id === 10) throw new TypeError(`${TEXT} ${BOT_TOKEN} ${CONFORMANCE_SECRET}`);
        if (update.update_id === 11 && attempts11++ === 0) await sleep(80);
        if (update.update_id === 12) await new Promise(() => {});
      },
    });

    expect((await post(message(1, 1))).status).toBe(200); // finished
    expect((await post(message(10, 2))).status).toBe(500); // failed, Telegram retries
    expect((await post(message(10, 2))).status).toBe(200); // failed again: dead-lettered
    expect((await post(message(11, 3))).status).toBe(200); // acknowledged at the deadline, runs on
    expect((await post(message(11, 3))).status).toBe(200); // a copy while it runs: joins it
    expect((await post(message(1, 1))).status).toBe(200); // a copy of a handled update: done
    expect((await post(message(12, 4))).status).toBe(200); // never settles: acknowledged, then stuck
    expect((await post(message(13, 4))).status).toBe(503); // waits behind 12: refused at its deadline
    expect((await post(message(14, 5), "wrong_secret")).status).toBe(401); // rejected
    await until(() => processSpans(sdk.spans(), 12).length === 1, "the stuck run's span");
    await until(() => processSpans(sdk.spans(), 11).length === 1, "the slow run's span");
    await webhook.close({ timeoutMs: 50 });
    expect((await post(message(15, 6))).status).toBe(503); // shutting down: refused before it ran

    const spans = sdk.spans();
    const [finished] = processSpans(spans, 1);
    expect(finished).toMatchObject({
      kind: SpanKind.CONSUMER,
      attributes: {
        "messaging.system": "telegram",
        "messaging.operation.type": "process",
        "messaging.operation.name": "process",
        "messaging.message.id": "1",
        "telegram.update.type": "message",
        "telehook.queue.kind": "chat",
      },
      status: { code: SpanStatusCode.UNSET },
    });
    expect(eventNames(finished)).toEqual(["telehook.started"]);
    expect(finished?.attributes["error.type"]).toBeUndefined();

    // Each run is a child of its own request's HTTP server span.
    const servers = spans.filter((span) => span.kind === SpanKind.SERVER);
    for (const span of processSpans(spans)) {
      const parent = servers.find((server) => server.spanContext().spanId === span.parentSpanContext?.spanId);
      expect(parent?.name, `parent of update ${span.attributes["messaging.message.id"]}`).toBe("POST /bot");
      expect(span.spanContext().traceId).toBe(parent?.spanContext().traceId);
    }

    const [retried, deadLettered] = processSpans(spans, 10);
    expect(retried).toMatchObject({
      attributes: { "error.type": "TypeError" },
      status: { code: SpanStatusCode.ERROR, message: "TypeError" },
    });
    expect(eventNames(retried)).toEqual(["telehook.started", "telehook.retry"]);
    expect(eventNames(deadLettered)).toEqual(["telehook.started", "telehook.dead_letter"]);

    const [acknowledged] = processSpans(spans, 11);
    expect(eventNames(acknowledged)).toEqual([
      "telehook.started",
      "telehook.acknowledged",
      "telehook.duplicate",
    ]);
    expect(acknowledged?.attributes).toMatchObject({ "telehook.acknowledged_early": true });

    const copies = processSpans(spans, 1);
    expect(copies).toHaveLength(2);
    expect(eventNames(copies[1])).toEqual(["telehook.duplicate"]);
    expect(copies[1]?.events[0]?.attributes).toEqual({ "telehook.reason": "done" });

    const [stuck] = processSpans(spans, 12);
    expect(eventNames(stuck)).toEqual(["telehook.started", "telehook.acknowledged", "telehook.stuck"]);
    expect(stuck?.attributes["error.type"]).toBe("handler_timeout");

    const [notStarted] = processSpans(spans, 13);
    expect(eventNames(notStarted)).toEqual(["telehook.queued"]);
    expect(notStarted?.attributes).toMatchObject({ "error.type": "not_started", "telehook.shed": false });

    const [shuttingDown] = processSpans(spans, 15);
    expect(shuttingDown?.attributes).toMatchObject({ "error.type": "shutting_down" });

    const rejectedOn = servers.find((span) => eventNames(span).includes("telehook.rejected"));
    expect(rejectedOn?.events[0]?.attributes).toEqual({
      "telehook.reason": "secret_token_invalid",
      "http.response.status_code": 401,
    });

    // The counter has every kind of event, with its reason.
    const outcomes = await pointsOf("telehook.webhook.outcomes");
    const kinds = new Set(outcomes.map((point) => point.attributes["telehook.outcome"]));
    for (const kind of [
      "received",
      "queued",
      "started",
      "finished",
      "failed",
      "dead_lettered",
      "acknowledged",
      "duplicate",
      "refused",
      "rejected",
      "stuck",
      "closing",
      "drained",
    ]) {
      expect(kinds, kind).toContain(kind);
    }
    expect(outcomes).toContainEqual({
      attributes: {
        "telehook.outcome": "failed",
        "telegram.update.type": "message",
        "telehook.reason": "retry",
        "error.type": "TypeError",
      },
      value: 1,
    });
    expect(outcomes).toContainEqual({
      attributes: { "telehook.outcome": "rejected", "telehook.reason": "secret_token_invalid" },
      value: 1,
    });
    expect(outcomes).toContainEqual({
      attributes: {
        "telehook.outcome": "refused",
        "telegram.update.type": "message",
        "telehook.reason": "not_started",
      },
      value: 1,
    });

    // One duration per settled run: 1, 10 twice, 11 (12 never settles), in seconds.
    const durations = await pointsOf("messaging.process.duration");
    const count = (attributes: object) =>
      durations
        .filter((point) => JSON.stringify(point.attributes) === JSON.stringify(attributes))
        .reduce((total, point) => total + (point.value as { count: number }).count, 0);
    const base = {
      "messaging.system": "telegram",
      "messaging.operation.name": "process",
      "telegram.update.type": "message",
    };
    expect(count(base)).toBe(2);
    expect(count({ ...base, "error.type": "TypeError" })).toBe(2);
    const metric = (await sdk.metrics()).get("messaging.process.duration");
    expect(metric?.unit).toBe("s");

    const exported = await everythingExported(spans);
    for (const secret of [TEXT, BOT_TOKEN, "AAE_abcdefghij", CONFORMANCE_SECRET, String(CHAT_ID), '"chat:']) {
      expect(exported).not.toContain(secret);
    }
  });

  test("shedding and queueing: spans and outcomes say why, and the gauges agree with stats()", async () => {
    const holds: (() => void)[] = [];
    const { sdk, telemetry, webhook, post } = instrumentedApp({
      deadlineMs: 5000,
      maxInFlight: 3,
      maxQueuedPerChat: 1,
      onUpdate: () => new Promise<void>((resolve) => void holds.push(resolve)),
    });
    const first = post(message(1, 1)).then((response) => response.status);
    await until(() => holds.length === 1, "the first run");
    const queued = post(message(2, 1)).then((response) => response.status);
    await until(() => telemetry.queued === 1, "the queued update");
    expect((await post(message(3, 1))).status).toBe(503); // its chat's line is full
    const other = post(message(4, 2)).then((response) => response.status);
    await until(() => holds.length === 2, "the second chat's run");
    const shed = await post(message(5, 3));
    expect([shed.status, shed.headers["retry-after"]]).toEqual([503, "5"]);

    const live = webhook.stats();
    expect([live.inFlight, live.queued]).toEqual([3, 1]);
    expect([telemetry.inFlight, telemetry.queued]).toEqual([3, 1]);
    expect(await pointsOf("telehook.webhook.in_flight")).toEqual([{ attributes: {}, value: 3 }]);
    expect(await pointsOf("telehook.webhook.queued")).toEqual([{ attributes: {}, value: 1 }]);

    const refusals = processSpans(sdk.spans()).map((span) => [
      span.attributes["messaging.message.id"],
      span.attributes["error.type"],
      span.attributes["telehook.shed"],
      span.duration,
    ]);
    expect(refusals).toEqual([
      ["3", "queue_full", true, [0, 0]],
      ["5", "overloaded", true, [0, 0]],
    ]);

    holds[0]?.();
    await until(() => holds.length === 3, "the queued update's run");
    holds[1]?.();
    holds[2]?.();
    expect(await Promise.all([first, queued, other])).toEqual([200, 200, 200]);
    expect([telemetry.inFlight, telemetry.queued]).toEqual([0, 0]);
    expect(await pointsOf("telehook.webhook.in_flight")).toEqual([{ attributes: {}, value: 0 }]);
    const reasons = (await pointsOf("telehook.webhook.outcomes"))
      .filter((point) => point.attributes["telehook.outcome"] === "refused")
      .map((point) => point.attributes["telehook.reason"]);
    expect(reasons.sort()).toEqual(["overloaded", "queue_full"]);
  });

  test("a store failure is an event on the run's span, which ends refused", async () => {
    const memory = createMemoryStore();
    const broken: DeliveryStore = { ...memory, claim: () => Promise.reject(new Error(BOT_TOKEN)) };
    const { sdk, post } = instrumentedApp({ store: broken });
    expect((await post(message(20))).status).toBe(503);
    const [span] = processSpans(sdk.spans(), 20);
    expect(span?.events.map((event) => [event.name, event.attributes])).toEqual([
      [
        "telehook.store_error",
        { "telehook.reason": "claim", "error.type": "Error", "telehook.store.timed_out": false },
      ],
    ]);
    expect(span?.attributes["error.type"]).toBe("store_unavailable");
    expect(await everythingExported(sdk.spans())).not.toContain(BOT_TOKEN);
  });

  test("with no SDK registered it records nothing and changes no answer", async () => {
    const app = express();
    app.use(
      "/bot",
      telegramWebhook({
        secretToken: CONFORMANCE_SECRET,
        onUpdate: () => {},
        instrumentation: openTelemetry(),
      }),
    );
    const response = await request(app).post("/bot").set(telegramHeaders()).send(message(30));
    expect(response.status).toBe(200);
  });

  test("the global providers are looked up at the first event: an SDK started after openTelemetry() is used", async () => {
    const telemetry = openTelemetry();
    sdk = inMemorySdk();
    trace.setGlobalTracerProvider(sdk.tracerProvider);
    metrics.setGlobalMeterProvider(sdk.meterProvider);
    try {
      const app = express();
      app.use(
        "/bot",
        telegramWebhook({ secretToken: CONFORMANCE_SECRET, onUpdate: () => {}, instrumentation: telemetry }),
      );
      await request(app).post("/bot").set(telegramHeaders()).send(message(40));
      expect(processSpans(sdk.spans(), 40)).toHaveLength(1);
      expect(await pointsOf("telehook.webhook.outcomes")).toContainEqual({
        attributes: { "telehook.outcome": "finished", "telegram.update.type": "message" },
        value: 1,
      });
    } finally {
      trace.disable();
      metrics.disable();
    }
  });

  test("a run whose end never comes is evicted past maxOpenSpans", () => {
    sdk = inMemorySdk();
    const telemetry = openTelemetry({ tracerProvider: sdk.tracerProvider, maxOpenSpans: 2 });
    for (const updateId of [1, 2, 3]) {
      telemetry.onEvent({
        type: "received",
        time: performance.now(),
        updateId,
        updateType: "message",
        queueKind: "chat",
        runId: `run-${updateId}`,
      });
    }
    expect(telemetry.inFlight).toBe(2);
    expect(sdk.spans().map((span) => span.attributes["telehook.span.evicted"])).toEqual([true]);
  });
});
