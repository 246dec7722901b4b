import type { Rejection, Update, UpdateContext, WebhookOptions } from "@telehook/core";
import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { CONFORMANCE_SECRET, sampleUpdate, telegramHeaders } from "./fixtures.js";
import type {
  ConformanceHarness,
  ConformanceRequest,
  ConformanceResponse,
  MountedWebhook,
} from "./harness.js";
import { arbitraryRequest, expectedStatus } from "./hostile-input.js";

/** What a conformance test can look at after its requests. */
interface Recorded {
  readonly updates: Update[];
  readonly contexts: UpdateContext[];
  readonly rejections: Rejection[];
  readonly errors: unknown[];
}

const SMALL_LIMIT = 4096;

/**
 * Registers the conformance suite for one adapter. Every adapter, on every supported framework version,
 * must pass it unchanged: this is what keeps their answers identical.
 */
export function describeWebhookConformance(name: string, harness: ConformanceHarness): void {
  async function withWebhook(
    options: Partial<WebhookOptions>,
    run: (webhook: MountedWebhook, recorded: Recorded) => Promise<void>,
  ): Promise<void> {
    const recorded: Recorded = { updates: [], contexts: [], rejections: [], errors: [] };
    const webhook = await harness.mount({
      secretToken: CONFORMANCE_SECRET,
      maxBodyBytes: SMALL_LIMIT,
      onUpdate: (update, context) => {
        recorded.updates.push(update);
        recorded.contexts.push(context);
      },
      onReject: (rejection) => void recorded.rejections.push(rejection),
      onError: (error) => void recorded.errors.push(error),
      ...options,
    });
    try {
      await run(webhook, recorded);
    } finally {
      await webhook.close();
    }
  }

  const post = (body: ConformanceRequest["body"], headers = telegramHeaders()): ConformanceRequest => ({
    method: "POST",
    headers,
    body,
  });

  function expectRejected(response: ConformanceResponse, status: number, reason: string): void {
    expect(response.status).toBe(status);
    expect(response.headers["content-type"]).toMatch(/^application\/json/);
    expect(JSON.parse(response.body)).toMatchObject({ ok: false, error: reason });
    expect(response.body).not.toContain(CONFORMANCE_SECRET);
  }

  describe(`${name}: webhook conformance`, () => {
    test("delivers a valid update once and answers 200", async () => {
      await withWebhook({}, async (webhook, recorded) => {
        const update = sampleUpdate(7001);
        const response = await webhook.send(post(JSON.stringify(update)));
        expect(response.status).toBe(200);
        expect(recorded.updates).toEqual([update]);
        expect(recorded.contexts).toEqual([{ updateType: "message" }]);
        expect(recorded.rejections).toEqual([]);
      });
    });

    test("accepts application/json with a charset and keeps non-ASCII text intact", async () => {
      await withWebhook({}, async (webhook, recorded) => {
        const update = sampleUpdate(7002);
        if (update.message) update.message.text = "привет 👋 ✓";
        const headers = { ...telegramHeaders(), "content-type": "Application/JSON; charset=utf-8" };
        const raw = await webhook.send(post(JSON.stringify(update), headers));
        // Telegram itself escapes everything outside ASCII.
        const escaped = JSON.stringify({ ...update, update_id: 7012 }).replace(
          /[\u0080-\uffff]/g,
          (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
        );
        const ascii = await webhook.send(post(escaped));
        expect([raw.status, ascii.status]).toEqual([200, 200]);
        expect(recorded.updates.map((u) => u.message?.text)).toEqual(["привет 👋 ✓", "привет 👋 ✓"]);
      });
    });

    test("delivers an update type it does not know yet", async () => {
      await withWebhook({}, async (webhook, recorded) => {
        const response = await webhook.send(post('{"update_id":7003,"future_update":{"id":"x"}}'));
        expect(response.status).toBe(200);
        expect(recorded.contexts).toEqual([{ updateType: "future_update" }]);
      });
    });

    test.each(["GET", "PUT", "DELETE", "PATCH"])("answers %s with 405 and Allow: POST", async (method) => {
      await withWebhook({}, async (webhook, recorded) => {
        const withBody = method === "GET" || method === "DELETE" ? undefined : JSON.stringify(sampleUpdate());
        const response = await webhook.send({ method, headers: telegramHeaders(), body: withBody });
        expectRejected(response, 405, "method_not_allowed");
        expect(response.headers.allow).toBe("POST");
        expect(recorded.updates).toEqual([]);
      });
    });

    test("answers 401 when the secret header is missing", async () => {
      await withWebhook({}, async (webhook, recorded) => {
        const response = await webhook.send(
          post(JSON.stringify(sampleUpdate()), { "content-type": "application/json" }),
        );
        expectRejected(response, 401, "secret_token_missing");
        expect(recorded.updates).toEqual([]);
      });
    });

    test.each([
      ["a different secret", "another_secret"],
      ["the secret with its last character changed", `${CONFORMANCE_SECRET.slice(0, -1)}X`],
      ["the secret with a character more", `${CONFORMANCE_SECRET}0`],
      ["a prefix of the secret", CONFORMANCE_SECRET.slice(0, 10)],
      ["the secret in another letter case", CONFORMANCE_SECRET.toUpperCase()],
      ["an empty secret", ""],
    ])("answers 401 to %s, without echoing the secret", async (_, secret) => {
      await withWebhook({}, async (webhook, recorded) => {
        const response = await webhook.send(post(JSON.stringify(sampleUpdate()), telegramHeaders(secret)));
        expect(response.status).toBe(401);
        expect(response.body).not.toContain(CONFORMANCE_SECRET);
        expect(recorded.updates).toEqual([]);
        expect(JSON.stringify(recorded.rejections)).not.toContain(CONFORMANCE_SECRET);
      });
    });

    test("checks the secret before the content type and the body", async () => {
      await withWebhook({}, async (webhook) => {
        const response = await webhook.send(post("not json at all", { "content-type": "text/plain" }));
        expectRejected(response, 401, "secret_token_missing");
      });
    });

    test("accepts every secret during a rotation, and no other", async () => {
      await withWebhook({ secretToken: ["old_secret", "new_secret"] }, async (webhook, recorded) => {
        const statuses = [];
        for (const secret of ["old_secret", "new_secret", "third_secret"]) {
          const update = sampleUpdate(7100 + statuses.length);
          statuses.push((await webhook.send(post(JSON.stringify(update), telegramHeaders(secret)))).status);
        }
        expect(statuses).toEqual([200, 200, 401]);
        expect(recorded.updates.map((u) => u.update_id)).toEqual([7100, 7101]);
      });
    });

    const { peerAddress } = harness;
    test.skipIf(peerAddress === undefined)(
      "the sourceIp allowlist reads the TCP peer, and not X-Forwarded-For when no proxy is trusted",
      async () => {
        await withWebhook({ sourceIp: { allow: [`${peerAddress}/32`] } }, async (webhook, recorded) => {
          const response = await webhook.send(post(JSON.stringify(sampleUpdate(7110))));
          expect(response.status).toBe(200);
          expect(recorded.updates.map((u) => u.update_id)).toEqual([7110]);
        });
        // Telegram's ranges only: the peer is refused, even when the request claims a Telegram address.
        await withWebhook({ sourceIp: {} }, async (webhook, recorded) => {
          const claims = { ...telegramHeaders(), "x-forwarded-for": "149.154.167.220" };
          const response = await webhook.send(post(JSON.stringify(sampleUpdate(7111)), claims));
          expectRejected(response, 403, "source_not_allowed");
          expect(recorded.updates).toEqual([]);
          expect(recorded.rejections.map((r) => r.reason)).toEqual(["source_not_allowed"]);
        });
      },
    );

    test.each([
      ["no content type", undefined],
      ["text/plain", "text/plain"],
      ["application/x-www-form-urlencoded", "application/x-www-form-urlencoded"],
      ["a JSON look-alike", "application/jsonp"],
    ])("answers 415 to %s", async (_, contentType) => {
      await withWebhook({}, async (webhook, recorded) => {
        const headers: Record<string, string> = { "x-telegram-bot-api-secret-token": CONFORMANCE_SECRET };
        if (contentType) headers["content-type"] = contentType;
        const response = await webhook.send(post(JSON.stringify(sampleUpdate()), headers));
        expectRejected(response, 415, "unsupported_media_type");
        expect(recorded.updates).toEqual([]);
      });
    });

    test("answers 413 to a body over maxBodyBytes sent with its Content-Length", async () => {
      await withWebhook({}, async (webhook, recorded) => {
        const big = JSON.stringify({ ...sampleUpdate(), padding: "x".repeat(SMALL_LIMIT) });
        const response = await webhook.send(post(big));
        expectRejected(response, 413, "payload_too_large");
        expect(recorded.updates).toEqual([]);
      });
    });

    test("answers 413 to a chunked body that streams past maxBodyBytes", async () => {
      await withWebhook({}, async (webhook, recorded) => {
        const chunks = ['{"update_id":1,"message":{"text":"', ...Array(10).fill("y".repeat(1000)), '"}}'];
        const response = await webhook.send(post(chunks));
        expectRejected(response, 413, "payload_too_large");
        expect(recorded.updates).toEqual([]);
      });
    });

    test("delivers a chunked body within the limit", async () => {
      await withWebhook({}, async (webhook, recorded) => {
        const text = JSON.stringify(sampleUpdate(7200));
        const response = await webhook.send(post([text.slice(0, 10), text.slice(10, 40), text.slice(40)]));
        expect(response.status).toBe(200);
        expect(recorded.updates.map((u) => u.update_id)).toEqual([7200]);
      });
    });

    test.each([
      ["an empty body", "", "empty_body"],
      ["invalid JSON", '{"update_id":1,', "invalid_json"],
      ["a JSON array", "[1,2,3]", "invalid_update"],
      ["a JSON string", '"hello"', "invalid_update"],
      ["null", "null", "invalid_update"],
      ["an object without update_id", '{"message":{}}', "invalid_update"],
      ["a negative update_id", '{"update_id":-1,"message":{}}', "invalid_update"],
      ["a fractional update_id", '{"update_id":1.5,"message":{}}', "invalid_update"],
      ["a string update_id", '{"update_id":"1","message":{}}', "invalid_update"],
      ["an update with no type", '{"update_id":1}', "invalid_update"],
      ["a __proto__ key", '{"update_id":1,"message":{"__proto__":{"admin":true}}}', "forbidden_key"],
      [
        "an escaped __proto__ key",
        String.raw`{"update_id":1,"message":{"\u005f_proto__":{"a":1}}}`,
        "forbidden_key",
      ],
      [
        "a __proto__ key escaped in upper case",
        String.raw`{"update_id":1,"\u005F\u005F\u0070roto__":{}}`,
        "forbidden_key",
      ],
    ])("answers 400 to %s and never calls onUpdate", async (_, body, reason) => {
      await withWebhook({}, async (webhook, recorded) => {
        const response = await webhook.send(post(body));
        expectRejected(response, 400, reason);
        expect(recorded.updates).toEqual([]);
        expect(recorded.rejections).toEqual([expect.objectContaining({ status: 400, reason })]);
      });
    });

    test("answers 500 when onUpdate throws, tells onError, and keeps serving", async () => {
      const failure = new Error("handler broke");
      const handled: number[] = [];
      const onUpdate = (update: Update) => {
        if (update.update_id === 7300) throw failure;
        handled.push(update.update_id);
      };
      await withWebhook({ onUpdate }, async (webhook, recorded) => {
        const failed = await webhook.send(post(JSON.stringify(sampleUpdate(7300))));
        const next = await webhook.send(post(JSON.stringify(sampleUpdate(7301))));
        expect(failed.status).toBe(500);
        expect(failed.body).not.toContain("handler broke");
        expect(recorded.errors).toEqual([failure]);
        expect(next.status).toBe(200);
        expect(handled).toEqual([7301]);
      });
    });

    test("answers 500 when onUpdate rejects asynchronously", async () => {
      const onUpdate = async () => {
        await new Promise((resolve) => setTimeout(resolve, 5));
        throw new Error("later");
      };
      await withWebhook({ onUpdate }, async (webhook, recorded) => {
        const response = await webhook.send(post(JSON.stringify(sampleUpdate(7400))));
        expect(response.status).toBe(500);
        expect(recorded.errors).toHaveLength(1);
      });
    });

    test("waits for an async onUpdate before answering", async () => {
      let finished = false;
      const onUpdate = async () => {
        await new Promise((resolve) => setTimeout(resolve, 30));
        finished = true;
      };
      await withWebhook({ onUpdate }, async (webhook) => {
        const response = await webhook.send(post(JSON.stringify(sampleUpdate(7500))));
        expect(response.status).toBe(200);
        expect(finished).toBe(true);
      });
    });

    test("handles 50 concurrent updates, each exactly once", async () => {
      await withWebhook({}, async (webhook, recorded) => {
        const ids = Array.from({ length: 50 }, (_, i) => 8000 + i);
        const responses = await Promise.all(
          ids.map((id) => webhook.send(post(JSON.stringify(sampleUpdate(id, 100 + id))))),
        );
        expect(responses.map((r) => r.status)).toEqual(ids.map(() => 200));
        expect(recorded.updates.map((u) => u.update_id).sort()).toEqual(ids);
      });
    });

    test("tells onReject of each rejection with its status and reason", async () => {
      await withWebhook({}, async (webhook, recorded) => {
        await webhook.send({ method: "GET", headers: telegramHeaders() });
        await webhook.send(post("{}", telegramHeaders("wrong")));
        expect(recorded.rejections.map(({ status, reason }) => [status, reason])).toEqual([
          [405, "method_not_allowed"],
          [401, "secret_token_invalid"],
        ]);
      });
    });

    test("a throwing onReject hook does not change the answer", async () => {
      const onReject = () => {
        throw new Error("hook bug");
      };
      await withWebhook({ onReject }, async (webhook) => {
        const response = await webhook.send(post("{}", telegramHeaders("wrong")));
        expectRejected(response, 401, "secret_token_invalid");
      });
    });

    test("serves without a secret only when allowUnauthenticated is set", async () => {
      await withWebhook({ secretToken: undefined, allowUnauthenticated: true }, async (webhook, recorded) => {
        const response = await webhook.send(
          post(JSON.stringify(sampleUpdate(7600)), { "content-type": "application/json" }),
        );
        expect(response.status).toBe(200);
        expect(recorded.updates).toHaveLength(1);
      });
    });
  });

  describe(`${name}: hostile input`, () => {
    test("random requests get the status the rules give them, and only genuine updates reach onUpdate", async () => {
      await withWebhook({ dedupe: false }, async (webhook, recorded) => {
        await fc.assert(
          fc.asyncProperty(arbitraryRequest, async (request) => {
            const before = recorded.updates.length;
            const response = await webhook.send(request);
            const expected = expectedStatus(request, SMALL_LIMIT);
            expect(response.status).toBe(expected);
            expect(recorded.updates.length - before).toBe(expected === 200 ? 1 : 0);
            expect(response.body).not.toContain(CONFORMANCE_SECRET);
          }),
          { numRuns: 150 },
        );
      });
    });

    test("requests without the right secret never reach onUpdate, whatever they carry", async () => {
      const forged = arbitraryRequest.filter(
        (request) => request.headers["x-telegram-bot-api-secret-token"] !== CONFORMANCE_SECRET,
      );
      await withWebhook({}, async (webhook, recorded) => {
        await fc.assert(
          fc.asyncProperty(forged, async (request) => {
            const response = await webhook.send(request);
            expect([401, 405]).toContain(response.status);
          }),
          { numRuns: 100 },
        );
        expect(recorded.updates).toEqual([]);
      });
    });
  });

  describe(`${name}: delivery guarantees`, () => {
    test("concurrent copies of one update run onUpdate once", async () => {
      let runs = 0;
      const onUpdate = async () => {
        runs++;
        await sleep(40);
      };
      await withWebhook({ onUpdate }, async (webhook) => {
        const body = JSON.stringify(sampleUpdate(9100));
        const responses = await Promise.all([1, 2, 3, 4].map(() => webhook.send(post(body))));
        expect(responses.map((r) => r.status)).toEqual([200, 200, 200, 200]);
        expect(runs).toBe(1);
      });
    });

    test("a slow handler is acknowledged at the deadline and still finishes", async () => {
      const finished: number[] = [];
      const deadlines: number[] = [];
      const release = gate();
      const onUpdate = async (update: Update) => {
        await release.opened;
        finished.push(update.update_id);
      };
      const onDeadline = (update: Update) => void deadlines.push(update.update_id);
      await withWebhook({ onUpdate, onDeadline, deadlineMs: 30 }, async (webhook) => {
        const response = await webhook.send(post(JSON.stringify(sampleUpdate(9200))));
        expect(response.status).toBe(200);
        expect([deadlines, finished]).toEqual([[9200], []]);
        release.open();
        await webhook.webhook.close({ timeoutMs: 5000 });
        expect(finished).toEqual([9200]);
      });
    });

    test("two updates of one chat never overlap, and one that cannot start by its deadline is refused, not acknowledged", async () => {
      const log: string[] = [];
      const release = gate();
      const firstDone = gate();
      const onUpdate = async (update: Update) => {
        log.push(`start ${update.update_id}`);
        if (update.update_id === 9300) await release.opened;
        log.push(`end ${update.update_id}`);
        if (update.update_id === 9300) firstDone.open();
      };
      await withWebhook({ onUpdate, deadlineMs: 20 }, async (webhook) => {
        // The first is acknowledged at the deadline while it still runs, so Telegram sends the next one.
        expect((await webhook.send(post(JSON.stringify(sampleUpdate(9300, 5))))).status).toBe(200);
        // The next one waits for it; at its own deadline it has not started, so Telegram must keep it.
        const refused = await webhook.send(post(JSON.stringify(sampleUpdate(9301, 5))));
        expectRejected(refused, 503, "not_started");
        expect(refused.headers["retry-after"]).toBe("5");
        expect(log).toEqual(["start 9300"]);
        release.open();
        await firstDone.opened;
        // Telegram's redelivery now runs, after the first.
        expect((await webhook.send(post(JSON.stringify(sampleUpdate(9301, 5))))).status).toBe(200);
        await webhook.webhook.close({ timeoutMs: 5000 });
        expect(log).toEqual(["start 9300", "end 9300", "start 9301", "end 9301"]);
      });
    });

    test("a failing update is retried with Retry-After, then dead-lettered and acknowledged", async () => {
      const deadLetters: number[] = [];
      const onUpdate = () => {
        throw new Error("always fails");
      };
      const onDeadLetter = (update: Update) => void deadLetters.push(update.update_id);
      await withWebhook({ onUpdate, onDeadLetter, maxAttempts: 3, retryAfterSeconds: 7 }, async (webhook) => {
        const body = JSON.stringify(sampleUpdate(9400));
        const answers = [];
        for (let attempt = 0; attempt < 3; attempt++) {
          const response = await webhook.send(post(body));
          answers.push([response.status, response.headers["retry-after"]]);
        }
        expect(answers).toEqual([
          [500, "7"],
          [500, "7"],
          [200, undefined],
        ]);
        expect(deadLetters).toEqual([9400]);
      });
    });

    test("a webhook reply reaches the client as a JSON body", async () => {
      const reply = { method: "sendMessage", chat_id: 42, text: "hi ✓" } as const;
      await withWebhook({ webhookReply: true, onUpdate: () => reply }, async (webhook) => {
        const response = await webhook.send(post(JSON.stringify(sampleUpdate(9500))));
        expect(response.status).toBe(200);
        expect(response.headers["content-type"]).toMatch(/^application\/json/);
        expect(JSON.parse(response.body)).toEqual(reply);
      });
    });

    test("close() refuses new updates with 503 and Retry-After, after finishing those in flight", async () => {
      let finished = 0;
      const started = gate();
      const release = gate();
      const onUpdate = async () => {
        started.open();
        await release.opened;
        finished++;
      };
      await withWebhook({ onUpdate }, async (webhook) => {
        const inFlight = webhook.send(post(JSON.stringify(sampleUpdate(9600))));
        await started.opened;
        const closing = webhook.webhook.close({ timeoutMs: 5000 });
        const refused = await webhook.send(post(JSON.stringify(sampleUpdate(9601))));
        expect([refused.status, refused.headers["retry-after"]]).toEqual([503, "5"]);
        expect(JSON.parse(refused.body)).toMatchObject({ error: "shutting_down" });
        release.open();
        expect((await inFlight).status).toBe(200);
        expect(await closing).toEqual({ drained: true, unfinished: 0 });
        expect(finished).toBe(1);
      });
    });
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A promise the test opens when it chooses, so handlers wait on the test rather than on the clock. */
function gate() {
  let open = () => {};
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { opened, open: () => open() };
}
