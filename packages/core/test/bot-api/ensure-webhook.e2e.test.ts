import { request as httpRequest } from "node:http";
import { type EnsureWebhookOptions, ensureWebhook, TelegramApiError, TelehookError } from "@telehook/core";
import { createTelegramEmulator, type TelegramEmulator, updates } from "@telehook/testing";
import { afterEach, describe, expect, test } from "vitest";
import { createWebhookRegistration } from "../../src/bot-api/webhook-registration.js";
import { closedPort, expectNothingLeaks, loopbackServer, reply } from "./loopback-server.js";

// ensureWebhook against @telehook/testing's emulator: a real Bot API over HTTP on 127.0.0.1, with
// Telegram's 1-per-second setWebhook limit (429 "retry after 1"), "already set" and verification rules.

const SECRET = "e2e-secret_AAAAAAAAAAAAAAAAAAAAAAAA";
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function setup(emulatorOptions: Parameters<typeof createTelegramEmulator>[0] = {}) {
  const emulator = await createTelegramEmulator(emulatorOptions);
  cleanups.push(() => emulator.close());
  // The webhook receiver the registered URL points at: records the secret header of each delivery.
  const secretsSeen: (string | undefined)[] = [];
  const receiver = await loopbackServer((_, res) => {
    secretsSeen.push(res.req.headers["x-telegram-bot-api-secret-token"] as string | undefined);
    res.writeHead(200).end();
  });
  cleanups.push(receiver.close);
  const options = (extra: Partial<EnsureWebhookOptions> = {}): EnsureWebhookOptions => ({
    token: emulator.token,
    apiRoot: emulator.apiRoot,
    url: `${receiver.apiRoot}/telegram`,
    secretToken: SECRET,
    maxWaitMs: 15_000,
    ...extra,
  });
  return { emulator, receiver, secretsSeen, options };
}

/** setWebhook calls that changed the registration: answered "Webhook was set". */
function changingCalls(emulator: TelegramEmulator) {
  return emulator
    .callsTo("setWebhook")
    .filter((call) => call.response?.ok && call.response.description === "Webhook was set");
}

function refusedCalls(emulator: TelegramEmulator, code: number) {
  return emulator
    .callsTo("setWebhook")
    .filter((call) => call.response?.ok === false && call.response.error_code === code);
}

describe("ensureWebhook against the emulator", () => {
  test("20 instances starting at once: all come up, at most one setWebhook changes anything", async () => {
    const { emulator, options } = await setup();
    const started = Date.now();
    const results = await Promise.all(Array.from({ length: 20 }, () => ensureWebhook(options())));
    expect(results).toHaveLength(20);
    expect(changingCalls(emulator)).toHaveLength(1);
    expect(results.filter((result) => result.changed)).toHaveLength(1);
    // Each refused instance re-read getWebhookInfo after its wait instead of calling again: every other
    // setWebhook call is a 429, none is a repeated "Webhook is already set", and no instance called twice.
    const all = emulator.callsTo("setWebhook");
    expect(all.length).toBeLessThanOrEqual(20);
    expect(all.length).toBe(1 + refusedCalls(emulator, 429).length);
    expect(results.reduce((sum, result) => sum + result.setWebhookCalls, 0)).toBe(all.length);
    for (const result of results) {
      expect(["updated", "set_meanwhile", "up_to_date"]).toContain(result.reason);
      expect(result.info.url).toBe(results[0]?.url);
    }
    expect(emulator.callsTo("deleteWebhook")).toHaveLength(0);
    expect(emulator.webhookInfo().url).toBe(results[0]?.url);
    // Every refused instance waited out retry_after once and then found the webhook set.
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  test("a 429 with retry_after 1 is waited out, then the webhook is set", async () => {
    const { emulator, options } = await setup();
    await ensureWebhook(options());
    const started = Date.now();
    // A new secret within the same second: the emulator's rate limit answers 429 "retry after 1".
    const result = await ensureWebhook(options({ secretToken: "rotated-secret_BBBBBBBBBBBBBBBBBBBB" }));
    const elapsed = Date.now() - started;
    expect(refusedCalls(emulator, 429).length).toBeGreaterThanOrEqual(1);
    expect(refusedCalls(emulator, 429)[0]?.response).toMatchObject({
      description: "Too Many Requests: retry after 1",
    });
    expect(result).toMatchObject({ changed: true, reason: "updated" });
    expect(result.setWebhookCalls).toBeGreaterThanOrEqual(2);
    expect(elapsed).toBeGreaterThanOrEqual(900);
    expect(elapsed).toBeLessThan(6000);
    expect(changingCalls(emulator)).toHaveLength(2);
  });

  test("a changed secret or allowed_updates triggers exactly one setWebhook; an unchanged config none", async () => {
    const { emulator, options, secretsSeen } = await setup({ setWebhookRateLimitMs: 0 });
    await ensureWebhook(options({ allowedUpdates: ["message", "callback_query"] }));
    expect(emulator.callsTo("setWebhook")).toHaveLength(1);

    const unchanged = await ensureWebhook(options({ allowedUpdates: ["callback_query", "message"] }));
    expect(unchanged).toMatchObject({ changed: false, reason: "up_to_date", differences: [] });
    expect(emulator.callsTo("setWebhook")).toHaveLength(1);

    const newSecret = "second-secret_CCCCCCCCCCCCCCCCCCCCCC";
    const rotated = await ensureWebhook(
      options({ secretToken: newSecret, allowedUpdates: ["message", "callback_query"] }),
    );
    expect(rotated.differences.map((d) => d.field)).toEqual(["secret_token"]);
    expect(emulator.callsTo("setWebhook")).toHaveLength(2);
    expect(emulator.callsTo("setWebhook")[1]?.params.secret_token).toBe(newSecret);

    const types = await ensureWebhook(
      options({ secretToken: newSecret, allowedUpdates: ["message", "poll"] }),
    );
    expect(types.differences.map((d) => d.field)).toEqual(["allowed_updates"]);
    expect(emulator.callsTo("setWebhook")).toHaveLength(3);
    expect(emulator.webhookInfo().allowed_updates).toEqual(["message", "poll"]);

    expect(
      (await ensureWebhook(options({ secretToken: newSecret, allowedUpdates: ["poll", "message"] }))).changed,
    ).toBe(false);
    expect(emulator.callsTo("setWebhook")).toHaveLength(3);
    expect(emulator.callsTo("deleteWebhook")).toHaveLength(0);

    // And Telegram really sends the new secret: the handler and setWebhook agree.
    emulator.sendUpdate(updates.message({ text: "hi" }));
    await emulator.waitForIdle();
    expect(secretsSeen).toEqual([newSecret]);
  });

  test("max_connections and a certificate are compared and uploaded", async () => {
    const { emulator, options } = await setup({ setWebhookRateLimitMs: 0 });
    const pem = new TextEncoder().encode(
      "-----BEGIN CERTIFICATE-----\nMIIBfake\n-----END CERTIFICATE-----\n",
    );
    const first = await ensureWebhook(options({ maxConnections: 7, certificate: pem }));
    expect(first.info).toMatchObject({ has_custom_certificate: true, max_connections: 7 });
    expect(emulator.callsTo("setWebhook")[0]?.params.certificate).toMatchObject({ size: pem.byteLength });
    expect((await ensureWebhook(options({ maxConnections: 7, certificate: pem }))).changed).toBe(false);
    const otherPem = new TextEncoder().encode(
      "-----BEGIN CERTIFICATE-----\nMIIBnew\n-----END CERTIFICATE-----\n",
    );
    const replaced = await ensureWebhook(options({ maxConnections: 7, certificate: otherPem }));
    expect(replaced.differences.map((d) => d.field)).toEqual(["secret_token"]);
    const fewer = await ensureWebhook(options({ maxConnections: 3, certificate: otherPem }));
    expect(fewer.differences.map((d) => d.field)).toEqual(["max_connections"]);
    const noCertificate = await ensureWebhook(options({ maxConnections: 3 }));
    expect(noCertificate.differences.map((d) => d.field)).toContain("certificate");
    expect(noCertificate.info.has_custom_certificate).toBe(false);
    expect(emulator.callsTo("setWebhook")).toHaveLength(4);
  });

  test("an invalid URL fails locally: no call reaches the emulator", async () => {
    const { emulator, options } = await setup();
    for (const extra of [
      { url: "https://bot.example.com:3000/telegram", local: false },
      { url: "http://bot.example.com/telegram", local: false },
      { url: "https://192.168.0.10/telegram", local: false },
      { url: "ftp://127.0.0.1/telegram" },
      { url: "not a url" },
      { secretToken: emulator.token },
    ]) {
      const error = (await ensureWebhook(options(extra)).catch((e: unknown) => e)) as TelehookError;
      expect(error).toBeInstanceOf(TelehookError);
      expect(error.code).toBe("invalid_webhook_config");
    }
    expect(emulator.calls).toHaveLength(0);
  });

  test("the token appears in no error", async () => {
    const { emulator, options } = await setup({ setWebhookRateLimitMs: 60_000 });
    const stranger = "111111111:AAStrangerTokenTheEmulatorDoesNotKnow";
    const strict = await createTelegramEmulator({
      acceptToken: (token) => token === emulator.token,
      token: emulator.token,
    });
    cleanups.push(() => strict.close());
    const port = await closedPort();
    await ensureWebhook(options());
    const errors = [
      // 401 from the server
      await ensureWebhook({ ...options(), token: stranger, apiRoot: strict.apiRoot }).catch(
        (e: unknown) => e,
      ),
      // network failure
      await ensureWebhook(options({ apiRoot: `http://127.0.0.1:${port}`, maxWaitMs: 400 })).catch(
        (e: unknown) => e,
      ),
      // 429 that outlasts maxWaitMs
      await ensureWebhook(options({ secretToken: "another-secret_DDDDDDDDDDDDDDD", maxWaitMs: 300 })).catch(
        (e: unknown) => e,
      ),
      // the token passed as the secret
      await ensureWebhook(options({ secretToken: emulator.token })).catch((e: unknown) => e),
      // a token that cannot be put in a URL
      await ensureWebhook(options({ token: `${emulator.token}/x y` })).catch((e: unknown) => e),
    ];
    expect(errors[0]).toBeInstanceOf(TelegramApiError);
    expect(errors[0]).toMatchObject({ errorCode: 401, description: "Unauthorized: invalid token specified" });
    expect(errors[1]).toMatchObject({ code: "bot_api_request_failed" });
    expect(errors[2]).toMatchObject({ errorCode: 429 });
    expect(errors[3]).toMatchObject({ code: "invalid_webhook_config" });
    expect(errors[4]).toMatchObject({ code: "invalid_options" });
    expectNothingLeaks(errors[0], stranger);
    for (const error of errors.slice(1)) expectNothingLeaks(error, emulator.token);
  });

  test("a closed port is retried with backoff, then fails cleanly within maxWaitMs; nothing is deleted", async () => {
    const { emulator, options } = await setup();
    const set = await ensureWebhook(options());
    const port = await closedPort();
    const started = Date.now();
    const error = (await ensureWebhook(
      options({ apiRoot: `http://127.0.0.1:${port}`, maxWaitMs: 1500 }),
    ).catch((e: unknown) => e)) as TelehookError;
    const elapsed = Date.now() - started;
    expect(error).toBeInstanceOf(TelehookError);
    expect(error.code).toBe("bot_api_request_failed");
    expect(error.message).toMatch(/ECONNREFUSED/);
    expect(error.message).toMatch(/gave up after ([2-9]|\d\d+) attempts in \d+ ms; maxWaitMs is 1500/);
    expect(elapsed).toBeLessThan(2500);
    expect(emulator.callsTo("deleteWebhook")).toHaveLength(0);
    expect(emulator.webhookInfo().url).toBe(set.url);
  });

  test("connections that fail at first are retried until the Bot API answers", async () => {
    const { emulator, options } = await setup();
    // A flaky hop in front of the emulator: it cuts the first two connections, then forwards.
    let seen = 0;
    const flaky = await loopbackServer((request, res) => {
      seen++;
      if (seen <= 2) return void res.socket?.destroy();
      const target = new URL(request.path, emulator.apiRoot);
      const forward = httpRequest(
        target,
        { method: "POST", headers: { "content-type": request.contentType } },
        (answer) => {
          const chunks: Buffer[] = [];
          answer.on("data", (chunk: Buffer) => chunks.push(chunk));
          answer.on("end", () =>
            reply(res, answer.statusCode ?? 500, JSON.parse(Buffer.concat(chunks).toString("utf8"))),
          );
        },
      );
      forward.end(request.body);
    });
    cleanups.push(flaky.close);
    const result = await ensureWebhook(options({ apiRoot: flaky.apiRoot }));
    expect(result).toMatchObject({ changed: true, reason: "updated" });
    expect(changingCalls(emulator)).toHaveLength(1);
    expect(emulator.callsTo("deleteWebhook")).toHaveLength(0);
  });

  test("createWebhookRegistration registers once after start and reports through ready", async () => {
    const { emulator, options } = await setup();
    const { secretToken, ...setWebhook } = options();
    const registrations = Array.from({ length: 5 }, () =>
      createWebhookRegistration({ secretToken, setWebhook }),
    );
    const outcomes = await Promise.all(registrations.map((registration) => registration.ready));
    expect(outcomes.every((outcome) => outcome.ok)).toBe(true);
    expect(changingCalls(emulator)).toHaveLength(1);
  });
});
