import type { ServerResponse } from "node:http";
import { ensureWebhook, TelegramApiError, TelehookError, type WebhookInfo } from "@telehook/core";
import { afterEach, describe, expect, test, vi } from "vitest";
import { prepareWebhook } from "../../src/bot-api/prepare-webhook.js";
import { createWebhookRegistration } from "../../src/bot-api/webhook-registration.js";
import {
  closedPort,
  expectNothingLeaks,
  loopbackServer,
  type ReceivedRequest,
  reply,
} from "./loopback-server.js";

// Unit-level: ensureWebhook's decisions against a scripted Bot API on 127.0.0.1. The behaviour against a
// faithful Bot API (rate limit, many instances) is in ensure-webhook.e2e.test.ts, against the emulator.

const TOKEN = "555555555:AAEnsureWebhookUnitTokenNeverShown_z";
const SECRET = "unit-secret_0123456789abcdef";
const URL_ = "https://bot.example.com/telegram";
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
  vi.restoreAllMocks();
});

type Script = (request: ReceivedRequest, res: ServerResponse, count: number) => void;

/** A Bot API whose getWebhookInfo reports `info` (updated by successful setWebhook calls) unless `script` answers. */
async function scriptedBotApi(initial: Partial<WebhookInfo> = {}, script?: Script) {
  let info: WebhookInfo = { url: "", has_custom_certificate: false, pending_update_count: 0, ...initial };
  const counts = new Map<string, number>();
  const server = await loopbackServer((request, res) => {
    const method = request.path.split("/").pop() ?? "";
    const count = (counts.get(method) ?? 0) + 1;
    counts.set(method, count);
    if (script && !res.headersSent) {
      script(request, res, count);
      if (res.headersSent || res.writableEnded || res.destroyed) return;
    }
    if (method === "getWebhookInfo") return reply(res, 200, { ok: true, result: info });
    if (method === "setWebhook") {
      const params = JSON.parse(request.body) as { url: string; max_connections?: number };
      info = { ...info, url: params.url, max_connections: params.max_connections ?? 40 };
      return reply(res, 200, { ok: true, result: true, description: "Webhook was set" });
    }
    reply(res, 404, { ok: false, error_code: 404, description: "Not Found: method not found" });
  });
  cleanups.push(server.close);
  const calls = (method: string) => server.requests.filter((r) => r.path.endsWith(`/${method}`));
  return { ...server, calls, info: () => info };
}

const options = (apiRoot: string) => ({
  token: TOKEN,
  apiRoot,
  local: false,
  url: URL_,
  secretToken: SECRET,
  maxWaitMs: 5000,
});

describe("ensureWebhook decisions", () => {
  test("sets a missing webhook once, then finds it up to date", async () => {
    const bot = await scriptedBotApi();
    const first = await ensureWebhook(options(bot.apiRoot));
    expect(first).toMatchObject({ changed: true, reason: "updated", setWebhookCalls: 1 });
    expect(first.differences.map((d) => d.field)).toEqual(["url"]);
    expect(first.url).toMatch(/^https:\/\/bot\.example\.com\/telegram\?telehook=[A-Za-z0-9_-]{22}$/);
    expect(first.info.url).toBe(first.url);
    const body = JSON.parse(bot.calls("setWebhook")[0]?.body ?? "{}");
    expect(body).toEqual({ url: first.url, secret_token: SECRET });
    const second = await ensureWebhook(options(bot.apiRoot));
    expect(second).toMatchObject({
      changed: false,
      reason: "up_to_date",
      differences: [],
      setWebhookCalls: 0,
    });
    expect(bot.calls("setWebhook")).toHaveLength(1);
    expect(bot.calls("deleteWebhook")).toHaveLength(0);
  });

  test("mode never only reports; mode always calls even when nothing differs", async () => {
    const bot = await scriptedBotApi();
    const report = await ensureWebhook({ ...options(bot.apiRoot), mode: "never" });
    expect(report).toMatchObject({ changed: false, reason: "out_of_date" });
    expect(bot.calls("setWebhook")).toHaveLength(0);
    await ensureWebhook(options(bot.apiRoot));
    const forced = await ensureWebhook({ ...options(bot.apiRoot), mode: "always", dropPendingUpdates: true });
    expect(forced).toMatchObject({ changed: true, reason: "forced", differences: [] });
    expect(JSON.parse(bot.calls("setWebhook")[1]?.body ?? "{}")).toMatchObject({
      drop_pending_updates: true,
    });
  });

  test("drop_pending_updates is never sent unless asked, and never on its own", async () => {
    const bot = await scriptedBotApi();
    await ensureWebhook(options(bot.apiRoot));
    expect(JSON.parse(bot.calls("setWebhook")[0]?.body ?? "{}")).not.toHaveProperty("drop_pending_updates");
    const unchanged = await ensureWebhook({ ...options(bot.apiRoot), dropPendingUpdates: true });
    expect(unchanged.changed).toBe(false);
    expect(bot.calls("setWebhook")).toHaveLength(1);
  });

  test("5xx and dropped connections are retried with backoff", async () => {
    const bot = await scriptedBotApi({}, (request, res, count) => {
      if (request.path.endsWith("/getWebhookInfo") && count === 1) res.socket?.destroy();
      if (request.path.endsWith("/setWebhook") && count === 1) {
        reply(res, 502, { ok: false, error_code: 502, description: "Bad Gateway" });
      }
    });
    const result = await ensureWebhook(options(bot.apiRoot));
    expect(result).toMatchObject({ changed: true, setWebhookCalls: 2 });
  });

  test("a 400 from setWebhook is not retried and rejects with the TelegramApiError", async () => {
    const bot = await scriptedBotApi({}, (request, res) => {
      if (request.path.endsWith("/setWebhook")) {
        reply(res, 400, {
          ok: false,
          error_code: 400,
          description: "Bad Request: bad webhook: Failed to resolve host",
        });
      }
    });
    const onError = vi.fn();
    const error = await ensureWebhook({ ...options(bot.apiRoot), onError }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TelegramApiError);
    expect(error).toMatchObject({ errorCode: 400, method: "setWebhook" });
    expect(onError).toHaveBeenCalledWith(error);
    expect(bot.calls("setWebhook")).toHaveLength(1);
  });

  test("a 429 longer than maxWaitMs fails at once instead of waiting", async () => {
    const bot = await scriptedBotApi({}, (request, res) => {
      if (request.path.endsWith("/setWebhook")) {
        reply(res, 429, {
          ok: false,
          error_code: 429,
          description: "Too Many Requests: retry after 30",
          parameters: { retry_after: 30 },
        });
      }
    });
    const started = Date.now();
    const error = (await ensureWebhook({ ...options(bot.apiRoot), maxWaitMs: 3000 }).catch(
      (e: unknown) => e,
    )) as TelegramApiError;
    expect(Date.now() - started).toBeLessThan(1500);
    expect(error).toBeInstanceOf(TelegramApiError);
    expect(error.retryAfter).toBe(30);
    expect(error.message).toMatch(/429.*gave up after 1 attempt.*maxWaitMs is 3000/);
  });

  test("an invalid config fails before any request", async () => {
    const bot = await scriptedBotApi();
    const error = (await ensureWebhook({
      ...options(bot.apiRoot),
      url: "https://bot.example.com:3000/x",
    }).catch((e: unknown) => e)) as TelehookError;
    expect(error.code).toBe("invalid_webhook_config");
    expect(bot.requests).toHaveLength(0);
    expect(() => prepareWebhook({ ...options(bot.apiRoot), mode: "sometimes" as never })).toThrow(
      /mode must be/,
    );
  });

  test("an aborted signal stops the retries", async () => {
    const port = await closedPort();
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 300);
    const error = (await ensureWebhook({
      ...options(`http://127.0.0.1:${port}`),
      maxWaitMs: 20_000,
      signal: controller.signal,
    }).catch((e: unknown) => e)) as TelehookError;
    expect(error.code).toBe("aborted");
  });
});

describe("createWebhookRegistration", () => {
  test("runs once after the current task, and ready resolves with the result", async () => {
    const bot = await scriptedBotApi();
    const onResult = vi.fn();
    const registration = createWebhookRegistration({
      secretToken: [SECRET, "old-secret-being-rotated-out"],
      setWebhook: { token: TOKEN, apiRoot: bot.apiRoot, local: false, url: URL_, onResult },
    });
    expect(bot.requests).toHaveLength(0); // nothing before the app had a chance to listen
    const outcome = await registration.ready;
    expect(outcome.ok).toBe(true);
    expect(onResult).toHaveBeenCalledTimes(1);
    expect(JSON.parse(bot.calls("setWebhook")[0]?.body ?? "{}").secret_token).toBe(SECRET);
    const again = await registration.setWebhook();
    expect(again.reason).toBe("up_to_date");
  });

  test("a failure never rejects ready: it is reported to onError, or logged without the token", async () => {
    const port = await closedPort();
    const onError = vi.fn();
    const registration = createWebhookRegistration({
      secretToken: SECRET,
      setWebhook: { token: TOKEN, apiRoot: `http://127.0.0.1:${port}`, url: URL_, maxWaitMs: 500, onError },
    });
    const outcome = await registration.ready;
    expect(outcome.ok).toBe(false);
    expect(onError).toHaveBeenCalledTimes(1);
    if (!outcome.ok) {
      expect(outcome.error.code).toBe("bot_api_request_failed");
      expectNothingLeaks(outcome.error, TOKEN, SECRET);
    }

    const logged = vi.spyOn(console, "error").mockImplementation(() => {});
    const quiet = createWebhookRegistration({
      secretToken: SECRET,
      setWebhook: { token: TOKEN, apiRoot: `http://127.0.0.1:${port}`, url: URL_, maxWaitMs: 300 },
    });
    expect((await quiet.ready).ok).toBe(false);
    expect(logged).toHaveBeenCalledTimes(1);
    expect(String(logged.mock.calls[0])).toMatch(/could not reach.*the app keeps running/);
    expect(String(logged.mock.calls[0])).not.toContain(TOKEN.split(":")[1]);
  });

  test("setWebhook() joins the run in progress; autoStart false waits for it", async () => {
    const bot = await scriptedBotApi();
    const registration = createWebhookRegistration({
      secretToken: SECRET,
      autoStart: false,
      setWebhook: { token: TOKEN, apiRoot: bot.apiRoot, local: false, url: URL_ },
    });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(bot.requests).toHaveLength(0);
    const [a, b] = await Promise.all([registration.setWebhook(), registration.setWebhook()]);
    expect(a).toBe(b);
    expect(bot.calls("getWebhookInfo").length).toBe(2); // one read, one read-back after the set
    expect((await registration.ready).ok).toBe(true);
  });

  test("a bad setWebhook setting is reported through ready and onError, with no call; a bad secret throws", async () => {
    const bot = await scriptedBotApi();
    for (const setting of [
      { url: "ftp://bot.example.com/" },
      { url: "https://bot.example.com:21/" },
      { url: URL_, token: "" },
      { url: URL_, token: "123:has space" },
      { url: URL_, maxConnections: 0 },
    ]) {
      const onError = vi.fn();
      const registration = createWebhookRegistration({
        secretToken: SECRET,
        setWebhook: { token: TOKEN, apiRoot: bot.apiRoot, local: false, onError, ...setting },
      });
      const outcome = await registration.ready;
      expect(outcome, setting.url).toMatchObject({ ok: false, error: expect.any(TelehookError) });
      expect(onError).toHaveBeenCalledTimes(1);
      await expect(registration.setWebhook()).rejects.toBeInstanceOf(TelehookError);
      expect(onError).toHaveBeenCalledTimes(2);
      if (!outcome.ok) expectNothingLeaks(outcome.error, TOKEN, SECRET);
    }
    expect(bot.requests).toHaveLength(0);

    for (const secretToken of ["has spaces", [], `${TOKEN}`]) {
      expect(() =>
        createWebhookRegistration({
          secretToken,
          setWebhook: { token: TOKEN, apiRoot: bot.apiRoot, url: URL_ },
        }),
      ).toThrow(TelehookError);
    }
    expect(() =>
      createWebhookRegistration({
        secretToken: SECRET,
        setWebhook: { token: TOKEN, url: URL_, secretToken: SECRET } as never,
      }),
    ).toThrow(/share one secret/);
  });

  test("cancel() stops a registration that has not started", async () => {
    const bot = await scriptedBotApi();
    const registration = createWebhookRegistration({
      secretToken: SECRET,
      setWebhook: { token: TOKEN, apiRoot: bot.apiRoot, local: false, url: URL_ },
    });
    registration.cancel();
    const outcome = await registration.ready;
    expect(outcome.ok).toBe(false);
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(bot.requests).toHaveLength(0);
  });
});
