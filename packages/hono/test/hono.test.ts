import { Readable } from "node:stream";
import { getConnInfo } from "@hono/node-server/conninfo";
import { type HonoWebhookMiddleware, telegramWebhook } from "@telehook/hono";
import { recordUpdates } from "@telehook/testing";
import { sampleUpdate, sendOverHttp, telegramHeaders } from "@telehook/testing/conformance";
import { Hono } from "hono";
import { describe, expect, test, vi } from "vitest";
import { listen, NODE_SERVERS, type NodeServerName } from "./servers.js";

const post = (app: Hono, path: string, id: number, headers = telegramHeaders()) =>
  app.request(path, { method: "POST", headers, body: JSON.stringify(sampleUpdate(id)) });

describe("routing", () => {
  test("app.post answers its route; Hono's router keeps every other path and method", async () => {
    const app = new Hono();
    const { webhook, updates } = recordUpdates(telegramWebhook);
    app.post("/bot", webhook);
    const hook = await post(app, "/bot", 1);
    const other = await post(app, "/bot/other", 2);
    const get = await app.request("/bot");
    expect([hook.status, other.status, get.status]).toEqual([200, 404, 404]);
    expect(updates).toEqual([1]);
  });

  test("a trailing slash follows Hono's strict option", async () => {
    const strict = new Hono();
    const lenient = new Hono({ strict: false });
    const { webhook, updates } = recordUpdates(telegramWebhook);
    strict.post("/bot", webhook);
    lenient.post("/bot", webhook);
    const strictSlash = await post(strict, "/bot/", 1);
    const lenientSlash = await post(lenient, "/bot/", 2);
    expect([strictSlash.status, lenientSlash.status]).toEqual([404, 200]);
    expect(updates).toEqual([2]);
  });

  test("app.post under basePath and app.route", async () => {
    const { webhook, updates } = recordUpdates(telegramWebhook);
    const api = new Hono().basePath("/api");
    api.post("/bot", webhook);
    const telegram = new Hono();
    telegram.post("/hook", webhook);
    const app = new Hono().route("/telegram", telegram);
    const underBase = await post(api, "/api/bot", 1);
    const routed = await post(app, "/telegram/hook", 2);
    const outside = await post(api, "/bot", 3);
    expect([underBase.status, routed.status, outside.status]).toEqual([200, 200, 404]);
    expect(updates).toEqual([1, 2]);
  });

  test("app.use on a wildcard answers the paths Hono routes to it, and no later handler runs", async () => {
    const app = new Hono();
    const { webhook, updates } = recordUpdates(telegramWebhook);
    const later: string[] = [];
    app.use("/bot/*", webhook);
    app.post("/bot/inner", (c) => {
      later.push(c.req.path);
      return c.text("later handler");
    });
    const response = await post(app, "/bot/inner", 1);
    expect(response.status).toBe(200);
    expect(await response.text()).toBe("");
    expect(later).toEqual([]);
    expect(updates).toEqual([1]);
  });
});

describe("answers", () => {
  test("a delivered update is an empty 200 without a content type", async () => {
    const app = new Hono();
    app.post("/bot", recordUpdates(telegramWebhook).webhook);
    const response = await post(app, "/bot", 1);
    expect(response.status).toBe(200);
    expect(await response.text()).toBe("");
    expect(response.headers.get("content-type")).toBeNull();
  });

  test("headers set by earlier middleware with c.header() stay on the answer", async () => {
    const app = new Hono();
    app.use(async (c, next) => {
      c.header("x-request-id", "req-1");
      await next();
    });
    app.post("/bot", recordUpdates(telegramWebhook).webhook);
    const accepted = await post(app, "/bot", 1);
    const refused = await post(app, "/bot", 2, telegramHeaders("wrong"));
    expect([accepted.status, accepted.headers.get("x-request-id")]).toEqual([200, "req-1"]);
    expect([refused.status, refused.headers.get("x-request-id")]).toEqual([401, "req-1"]);
    expect(refused.headers.get("content-type")).toMatch(/^application\/json/);
  });

  test("a failing onUpdate is answered 500 by the webhook, never passed to app.onError", async () => {
    const app = new Hono();
    const honoErrors: unknown[] = [];
    app.onError((error, c) => {
      honoErrors.push(error);
      return c.text("onError", 599 as 500);
    });
    const failing = () => {
      throw new Error("bot bug");
    };
    app.post("/bot", recordUpdates(telegramWebhook, { onUpdate: failing, onError: () => {} }).webhook);
    const response = await post(app, "/bot", 1);
    const body = await response.text();
    expect([response.status, JSON.parse(body).error]).toEqual([500, "handler_failed"]);
    expect(body).not.toContain("bot bug");
    expect(honoErrors).toEqual([]);
  });

  test("a body read by earlier middleware is answered 500 body_consumed, naming the fix", async () => {
    const app = new Hono();
    const { webhook, updates } = recordUpdates(telegramWebhook);
    app.use(async (c, next) => {
      await c.req.json();
      await next();
    });
    app.post("/bot", webhook);
    const response = await post(app, "/bot", 1);
    const body = JSON.parse(await response.text());
    expect([response.status, body.error]).toEqual([500, "body_consumed"]);
    expect(body.description).toMatch(/Mount telehook before that middleware/);
    expect(updates).toEqual([]);
  });

  test("close() is the core handler's drain: afterwards requests are refused with 503", async () => {
    const app = new Hono();
    const { webhook, updates } = recordUpdates(telegramWebhook);
    app.post("/bot", webhook);
    expect(await webhook.close({ timeoutMs: 100 })).toEqual({ drained: true, unfinished: 0 });
    const response = await post(app, "/bot", 1);
    expect([response.status, response.headers.get("retry-after")]).toEqual([503, "5"]);
    expect(updates).toEqual([]);
    const { handler } = webhook;
    expect([webhook.close, webhook.ready, webhook.setWebhook]).toEqual([
      handler.close,
      handler.ready,
      handler.setWebhook,
    ]);
  });
});

describe("getConnInfo", () => {
  /** A getConnInfo that counts its calls and throws, like node-server's helper under app.request(). */
  function throwingConnInfo() {
    const calls = { count: 0 };
    const getConnInfo = (): { remote: { address?: string } } => {
      calls.count++;
      throw new TypeError("Cannot read properties of undefined (reading 'socket')");
    };
    return { calls, getConnInfo };
  }

  /** An app whose own error handler records what reached it. */
  function appWith(webhook: HonoWebhookMiddleware) {
    const app = new Hono();
    const honoErrors: unknown[] = [];
    app.onError((error, c) => {
      honoErrors.push(error);
      return c.text("onError", 599 as 500);
    });
    app.post("/bot", webhook);
    return { app, honoErrors };
  }

  test("is not called without sourceIp, so app.request() delivers", async () => {
    const { calls, getConnInfo } = throwingConnInfo();
    const { webhook, updates } = recordUpdates(telegramWebhook, { getConnInfo });
    const { app, honoErrors } = appWith(webhook);
    const response = await post(app, "/bot", 1);
    expect([response.status, updates, calls.count, honoErrors]).toEqual([200, [1], 0, []]);
  });

  test("is not called when sourceIp reads X-Forwarded-For from a trusted proxy", async () => {
    const { calls, getConnInfo } = throwingConnInfo();
    const { webhook, updates } = recordUpdates(telegramWebhook, {
      getConnInfo,
      sourceIp: { allow: ["149.154.160.0/20"], trustedProxyHops: 1 },
    });
    const { app, honoErrors } = appWith(webhook);
    const headers = { ...telegramHeaders(), "x-forwarded-for": "149.154.167.1" };
    const response = await post(app, "/bot", 1, headers);
    expect([response.status, updates, calls.count, honoErrors]).toEqual([200, [1], 0, []]);
  });

  test("that throws when sourceIp needs it is the webhook's JSON 500, never Hono's onError", async () => {
    const { calls, getConnInfo } = throwingConnInfo();
    const { webhook, updates } = recordUpdates(telegramWebhook, {
      getConnInfo,
      sourceIp: { allow: ["127.0.0.0/8"] },
    });
    const { app, honoErrors } = appWith(webhook);
    const response = await post(app, "/bot", 1);
    expect(response.headers.get("content-type")).toMatch(/^application\/json/);
    expect([response.status, (await response.json()).ok]).toEqual([500, false]);
    expect([updates, calls.count, honoErrors]).toEqual([[], 1, []]);
  });
});

describe("on @hono/node-server", () => {
  test("app.post serves a real listener", async () => {
    const app = new Hono();
    const { webhook, updates } = recordUpdates(telegramWebhook);
    app.post("/bot", webhook);
    const server = await listen(app, webhook);
    try {
      const body = JSON.stringify(sampleUpdate(1));
      const response = await sendOverHttp(server.url, { method: "POST", headers: telegramHeaders(), body });
      expect([response.status, response.body]).toEqual([200, ""]);
      expect(updates).toEqual([1]);
    } finally {
      await server.close();
    }
  });

  test("the source allowlist sees the peer through getConnInfo, and refuses without it", async () => {
    const statuses: number[] = [];
    for (const options of [
      { sourceIp: { allow: ["127.0.0.0/8"] }, getConnInfo },
      { sourceIp: { allow: ["127.0.0.0/8"] } },
    ]) {
      const app = new Hono();
      const { webhook } = recordUpdates(telegramWebhook, options);
      app.post("/bot", webhook);
      const server = await listen(app, webhook);
      try {
        const body = JSON.stringify(sampleUpdate(1));
        statuses.push(
          (await sendOverHttp(server.url, { method: "POST", headers: telegramHeaders(), body })).status,
        );
      } finally {
        await server.close();
      }
    }
    expect(statuses).toEqual([200, 403]);
  });
});

describe.each(Object.keys(NODE_SERVERS) as NodeServerName[])(
  "on @hono/%s, the Node request itself",
  (nodeServer) => {
    /** Serves `app`, sends one update (or `body`), and returns the answer. */
    async function deliver(app: Hono, webhook: HonoWebhookMiddleware, body?: string) {
      const server = await listen(app, webhook, "/bot", nodeServer);
      try {
        const sent = body ?? JSON.stringify(sampleUpdate(1));
        return await sendOverHttp(server.url, { method: "POST", headers: telegramHeaders(), body: sent });
      } finally {
        await server.close();
      }
    }

    test("the webhook reads the unread Node request: no web stream is built, the web Request's body is never used", async () => {
      const app = new Hono();
      const { webhook, updates } = recordUpdates(telegramWebhook);
      const toWeb = vi.spyOn(Readable, "toWeb");
      const seen: [toWebCalls: number, bodyUsed: boolean][] = [];
      app.use("/bot", async (c, next) => {
        await next();
        // In that order: node-server 1 builds its web Request (with Readable.toWeb) to answer bodyUsed.
        const toWebCalls = toWeb.mock.calls.length;
        seen.push([toWebCalls, c.req.raw.bodyUsed]);
      });
      app.post("/bot", webhook);
      try {
        const response = await deliver(app, webhook);
        expect([response.status, updates]).toEqual([200, [1]]);
        expect(seen).toEqual([[0, false]]);
      } finally {
        toWeb.mockRestore();
      }
    });

    test("a body that earlier middleware read is answered 500 body_consumed, as with the web Request", async () => {
      const app = new Hono();
      const { webhook, updates } = recordUpdates(telegramWebhook);
      app.use(async (c, next) => {
        await c.req.json();
        await next();
      });
      app.post("/bot", webhook);
      const response = await deliver(app, webhook);
      expect([response.status, JSON.parse(response.body).error, updates]).toEqual([500, "body_consumed", []]);
    });

    test("a body over maxBodyBytes is refused while it streams", async () => {
      const app = new Hono();
      const { webhook, updates } = recordUpdates(telegramWebhook, { maxBodyBytes: 64 });
      app.post("/bot", webhook);
      const response = await deliver(
        app,
        webhook,
        JSON.stringify({ ...sampleUpdate(1), pad: "x".repeat(500) }),
      );
      expect([response.status, updates]).toEqual([413, []]);
    });
  },
);
