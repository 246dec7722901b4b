import {
  type LambdaHttpResult,
  type LambdaWebhookHandler,
  telegramWebhook,
  type Update,
} from "@telehook/aws-lambda";
import { recordUpdates } from "@telehook/testing";
import { CONFORMANCE_SECRET, sampleUpdate, telegramHeaders } from "@telehook/testing/conformance";
import type {
  ALBEvent,
  ALBResult,
  APIGatewayProxyEvent,
  APIGatewayProxyEventV2,
  APIGatewayProxyResult,
  APIGatewayProxyStructuredResultV2,
  Handler,
  LambdaFunctionURLEvent,
} from "aws-lambda";
import { describe, expect, test } from "vitest";
import { EVENT_SHAPES, type EventShape, fromLambdaResult, toLambdaEvent } from "./lambda-events.js";
import { invokeLambda } from "./lambda-runtime.js";

const update = (id: number, chat?: number) => ({
  method: "POST",
  headers: telegramHeaders(),
  body: JSON.stringify(sampleUpdate(id, chat)),
});

/** Sends one request as `shape`'s event through the local runtime, with `timeoutMs` for the invocation. */
async function send(
  handler: LambdaWebhookHandler,
  shape: EventShape,
  request = update(1),
  timeoutMs = 30_000,
) {
  const invocation = await invokeLambda(handler, toLambdaEvent(shape, request), { timeoutMs });
  if (invocation.kind !== "returned") throw new Error(`the invocation ${invocation.kind}`);
  return { raw: invocation.result, response: fromLambdaResult(shape, invocation.result) };
}

/** A promise the test opens when it chooses, so handlers wait on the test rather than on the clock. */
function gate() {
  let open = () => {};
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { opened, open: () => open() };
}

describe("events as AWS sends them", () => {
  test("the recorded events of each source are delivered with the types of @types/aws-lambda", async () => {
    const { webhook: handler, updates } = recordUpdates(telegramWebhook);
    // The handler takes every event type and returns what each source reads, for the type checker.
    const rest: Handler<APIGatewayProxyEvent, APIGatewayProxyResult> = handler;
    const httpApi: Handler<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2> = handler;
    const functionUrl: Handler<LambdaFunctionURLEvent, APIGatewayProxyStructuredResultV2> = handler;
    const alb: Handler<ALBEvent, ALBResult> = handler;
    expect([rest, httpApi, functionUrl, alb].every((h) => h === handler)).toBe(true);
    const statuses: number[] = [];
    for (const [i, shape] of EVENT_SHAPES.entries()) {
      statuses.push((await send(handler, shape, update(100 + i))).response.status);
    }
    expect(statuses).toEqual(EVENT_SHAPES.map(() => 200));
    expect(updates).toEqual(EVENT_SHAPES.map((_, i) => 100 + i));
  });

  test("a base64 body is decoded, and non-ASCII text survives it", async () => {
    const updates: Update[] = [];
    const { webhook: handler } = recordUpdates(telegramWebhook, { onUpdate: (u) => void updates.push(u) });
    const body = JSON.stringify({
      update_id: 7,
      message: { ...sampleUpdate(7).message, text: "héllo ✓ 👋" },
    });
    const { response } = await send(handler, "rest-api-binary", { ...update(7), body });
    expect(response.status).toBe(200);
    expect(updates[0]?.message?.text).toBe("héllo ✓ 👋");
  });

  test("the secret header is found in any case, and two copies of it are refused even when both match", async () => {
    const { webhook: handler, updates, rejections } = recordUpdates(telegramWebhook);
    const event = toLambdaEvent("rest-api", update(1)) as unknown as APIGatewayProxyEvent;
    expect(Object.keys(event.headers)).toContain("X-Telegram-Bot-Api-Secret-Token");
    const accepted = await invokeLambda(handler, event);
    // REST APIs list every value; headers keeps the last one.
    const doubled = structuredClone(event);
    doubled.multiValueHeaders["X-Telegram-Bot-Api-Secret-Token"] = [CONFORMANCE_SECRET, CONFORMANCE_SECRET];
    const refused = await invokeLambda(handler, doubled);
    // Payload 2.0 joins repeated headers with commas.
    const v2 = toLambdaEvent("http-api", update(2)) as unknown as APIGatewayProxyEventV2;
    (v2.headers as Record<string, string>)["x-telegram-bot-api-secret-token"] =
      `${CONFORMANCE_SECRET},${CONFORMANCE_SECRET}`;
    const refusedV2 = await invokeLambda(handler, v2);
    const statuses = [accepted, refused, refusedV2].map((i) =>
      i.kind === "returned" ? i.result.statusCode : i.kind,
    );
    expect(statuses).toEqual([200, 401, 401]);
    expect(updates).toEqual([1]);
    expect(rejections.map((r) => r.reason)).toEqual(["secret_token_invalid", "secret_token_invalid"]);
  });

  test("an event that is no HTTP request gets the core's 405, never an exception", async () => {
    const { webhook: handler, updates } = recordUpdates(telegramWebhook);
    const results = [];
    for (const event of [{}, null, { Records: [] }]) {
      const invocation = await invokeLambda(handler, event);
      results.push(invocation.kind === "returned" ? invocation.result.statusCode : invocation.kind);
    }
    expect(results).toEqual([405, 405, 405]);
    expect(updates).toEqual([]);
  });
});

describe("proxy results", () => {
  test("each source gets its shape: ALB a statusDescription, multi-value ALB only multiValueHeaders", async () => {
    const { webhook: handler } = recordUpdates(telegramWebhook);
    const wrong = { ...update(1), headers: telegramHeaders("wrong") };
    const rest = (await send(handler, "rest-api", wrong)).raw;
    const alb = (await send(handler, "alb", wrong)).raw;
    const multi = (await send(handler, "alb-multi-value", wrong)).raw;
    expect(rest).toMatchObject({ statusCode: 401, isBase64Encoded: false });
    expect(rest.statusDescription).toBeUndefined();
    expect(rest.headers?.["content-type"]).toMatch(/^application\/json/);
    expect(alb).toMatchObject({ statusCode: 401, statusDescription: "401 Unauthorized" });
    expect(multi.headers).toBeUndefined();
    expect(multi.multiValueHeaders?.["content-type"]?.[0]).toMatch(/^application\/json/);
  });

  test("Connection: close is left out, since there is no socket and API Gateway does not allow it", async () => {
    const { webhook: handler } = recordUpdates(telegramWebhook);
    const results: LambdaHttpResult[] = [];
    for (const shape of EVENT_SHAPES) {
      results.push((await send(handler, shape, { ...update(1), headers: telegramHeaders("wrong") })).raw);
    }
    for (const result of results) {
      expect(result.statusCode).toBe(401);
      expect({ ...result.headers, ...result.multiValueHeaders }).not.toHaveProperty("connection");
    }
  });
});

describe("the peer address", () => {
  test("comes from sourceIp on API Gateway and function URLs; behind ALB only X-Forwarded-For can tell", async () => {
    const telegram = { allow: ["149.154.160.0/20"] };
    const { webhook: handler } = recordUpdates(telegramWebhook, { sourceIp: telegram });
    const statuses: Record<string, number> = {};
    for (const shape of EVENT_SHAPES)
      statuses[shape] = (await send(handler, shape, update(1))).response.status;
    expect(statuses).toEqual({
      "rest-api": 200,
      "rest-api-binary": 200,
      "http-api": 200,
      "function-url": 200,
      alb: 403,
      "alb-multi-value": 403,
    });
    const { webhook: behindAlb } = recordUpdates(telegramWebhook, {
      sourceIp: { ...telegram, trustedProxyHops: 1 },
    });
    expect((await send(behindAlb, "alb", update(2))).response.status).toBe(200);
  });

  test("an address outside the allowlist is refused", async () => {
    const { webhook: handler, updates } = recordUpdates(telegramWebhook, {
      sourceIp: { allow: ["10.0.0.0/8"] },
    });
    const { response } = await send(handler, "http-api");
    expect([response.status, updates]).toEqual([403, []]);
  });
});

describe("after the answer Lambda freezes: the answer waits for onUpdate", () => {
  test("a handler that finishes before the deadline is answered 200", async () => {
    const { webhook: handler, updates } = recordUpdates(telegramWebhook, {
      deadlineMs: 5_000,
      onUpdate: async (u) => {
        await new Promise((resolve) => setTimeout(resolve, 20));
        updates.push(u.update_id);
      },
    });
    const { response } = await send(handler, "function-url");
    expect([response.status, updates]).toEqual([200, [1]]);
  });

  test("still running at the deadline: 503 with Retry-After, and the redelivery after it finished is acknowledged without running again", async () => {
    const release = gate();
    const done = gate();
    const runs: number[] = [];
    const finished: number[] = [];
    const { webhook: handler } = recordUpdates(telegramWebhook, {
      deadlineMs: 30,
      retryAfterSeconds: 3,
      onUpdate: async (u) => {
        runs.push(u.update_id);
        await release.opened;
        finished.push(u.update_id);
        done.open();
      },
    });
    const first = (await send(handler, "http-api", update(5))).response;
    expect([first.status, first.headers["retry-after"], JSON.parse(first.body).error]).toEqual([
      503,
      "3",
      "still_running",
    ]);
    expect([runs, finished]).toEqual([[5], []]);
    release.open();
    await done.opened;
    // Telegram's redelivery, once the environment ran the update to its end.
    const again = (await send(handler, "http-api", update(5))).response;
    expect([again.status, runs, finished]).toEqual([200, [5], [5]]);
  });

  test("a redelivery while the first run is still going waits for it and does not run twice", async () => {
    const release = gate();
    let runs = 0;
    const { webhook: handler } = recordUpdates(telegramWebhook, {
      deadlineMs: 30,
      onUpdate: async () => {
        runs++;
        await release.opened;
      },
    });
    const first = (await send(handler, "rest-api", update(6))).response;
    const again = send(handler, "rest-api", update(6));
    release.open();
    const second = (await again).response;
    expect([first.status, second.status, runs]).toEqual([503, 200, 1]);
  });

  test("an invocation with less time left than the deadline answers 503 before Lambda stops it", async () => {
    const release = gate();
    const { webhook: handler, updates } = recordUpdates(telegramWebhook, {
      deadlineMs: 20_000,
      marginMs: 100,
      onUpdate: async (u) => {
        await release.opened;
        updates.push(u.update_id);
      },
    });
    const invocation = await invokeLambda(handler, toLambdaEvent("function-url", update(8)), {
      timeoutMs: 400,
    });
    release.open();
    expect(invocation.kind).toBe("returned");
    const result = invocation.kind === "returned" ? invocation.result : undefined;
    expect([result?.statusCode, result?.headers?.["retry-after"]]).toEqual([503, "5"]);
    await handler.close({ timeoutMs: 5000 });
    expect(updates).toEqual([8]);
  });

  test("the 503 for an unfinished update is the core's refusal: onReject and the event stream are told", async () => {
    const release = gate();
    const events: string[] = [];
    const { webhook: handler, rejections } = recordUpdates(telegramWebhook, {
      deadlineMs: 30,
      onUpdate: () => release.opened,
      instrumentation: { onEvent: (event) => void events.push(event.type) },
    });
    const { response } = await send(handler, "rest-api", update(11));
    release.open();
    expect([response.status, rejections.map((r) => [r.status, r.reason])]).toEqual([
      503,
      [[503, "still_running"]],
    ]);
    expect(events).toContain("refused");
    await handler.close({ timeoutMs: 5000 });
  });

  test("an invocation that runs out of time is refused through the core too (onReject told)", async () => {
    const release = gate();
    const { webhook: handler, rejections } = recordUpdates(telegramWebhook, {
      deadlineMs: 20_000,
      marginMs: 100,
      onUpdate: () => release.opened,
    });
    const invocation = await invokeLambda(handler, toLambdaEvent("http-api", update(12)), { timeoutMs: 400 });
    release.open();
    expect(invocation.kind === "returned" ? invocation.result.statusCode : invocation.kind).toBe(503);
    expect(rejections.map((r) => r.reason)).toEqual(["still_running"]);
    await handler.close({ timeoutMs: 5000 });
  });

  test("with answerEarly, the deadline answers 200 while onUpdate runs on, as on other hosts", async () => {
    const release = gate();
    const deadlines: number[] = [];
    const { webhook: handler } = recordUpdates(telegramWebhook, {
      answerEarly: true,
      deadlineMs: 30,
      onDeadline: (u) => void deadlines.push(u.update_id),
      onUpdate: () => release.opened,
    });
    const { response } = await send(handler, "alb", update(9));
    release.open();
    expect([response.status, deadlines]).toEqual([200, [9]]);
  });

  test("with answerEarly, an invocation that runs out of time first still gets 503, never an early 200", async () => {
    const release = gate();
    const { webhook: handler } = recordUpdates(telegramWebhook, {
      answerEarly: true,
      deadlineMs: 20_000,
      marginMs: 100,
      onUpdate: () => release.opened,
    });
    const invocation = await invokeLambda(handler, toLambdaEvent("http-api", update(10)), { timeoutMs: 400 });
    release.open();
    expect(invocation.kind === "returned" ? invocation.result.statusCode : invocation.kind).toBe(503);
  });

  test("wrong options throw at construction", () => {
    const base = { secretToken: CONFORMANCE_SECRET, onUpdate: () => {} };
    expect(() => telegramWebhook({ ...base, marginMs: -1 })).toThrow(/marginMs/);
    expect(() => telegramWebhook({ ...base, marginMs: 1.5 })).toThrow(/marginMs/);
    expect(() => telegramWebhook({ ...base, answerEarly: "yes" as unknown as boolean })).toThrow(
      /answerEarly/,
    );
  });
});
