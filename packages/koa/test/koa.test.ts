import { bodyParser } from "@koa/bodyparser";
import Router from "@koa/router";
import { TelehookError, telegramWebhook } from "@telehook/koa";
import { recordUpdates } from "@telehook/testing";
import { CONFORMANCE_SECRET, sampleUpdate, telegramHeaders } from "@telehook/testing/conformance";
import type Koa from "koa";
import { koaBody } from "koa-body";
import mount from "koa-mount";
import request from "supertest";
import { describe, expect, test } from "vitest";
import { KOA_VERSIONS } from "./servers.js";

/** Answers whatever nobody else did, so a test can tell a fall-through from a webhook answer. */
function fallback(app: Koa): string[] {
  const reached: string[] = [];
  app.use((ctx) => {
    reached.push(ctx.url);
    ctx.status = 404;
    ctx.body = "fell through";
  });
  return reached;
}

/** koa-body is typed against @types/koa 3, these tests against the @types/koa both majors share. */
const withKoaTypes = (middleware: unknown) => middleware as Koa.Middleware;

const update = (id: number) => JSON.stringify(sampleUpdate(id));
const post = (app: Koa, path: string, body: string, headers = telegramHeaders()) =>
  request(app.callback()).post(path).set(headers).send(body);

describe.each(KOA_VERSIONS)("%s", (_, Koa) => {
  describe("the path option", () => {
    test("answers the path with and without a trailing slash and a query", async () => {
      const app = new Koa();
      const { webhook, updates } = recordUpdates(telegramWebhook, { path: "/bot" });
      app.use(webhook);
      const reached = fallback(app);
      const statuses = [];
      for (const path of ["/bot", "/bot/", "/bot?source=telegram"]) {
        statuses.push((await post(app, path, update(statuses.length))).status);
      }
      expect(statuses).toEqual([200, 200, 200]);
      expect(updates).toEqual([0, 1, 2]);
      expect(reached).toEqual([]);
    });

    test("passes every other path to the next middleware", async () => {
      const app = new Koa();
      const { webhook, updates } = recordUpdates(telegramWebhook, { path: "/bot/" });
      app.use(webhook);
      const reached = fallback(app);
      const deeper = await post(app, "/bot/other", update(1));
      const beside = await post(app, "/bots", update(2));
      expect([deeper.status, deeper.text, beside.status]).toEqual([404, "fell through", 404]);
      expect(reached).toEqual(["/bot/other", "/bots"]);
      expect(updates).toEqual([]);
    });

    test.each([["bot"], [""], ["https://example.com/bot"]])(
      "rejects the path %j when it is built",
      (path) => {
        expect(() => telegramWebhook({ path, secretToken: CONFORMANCE_SECRET, onUpdate: () => {} })).toThrow(
          TelehookError,
        );
      },
    );
  });

  describe("routers", () => {
    test("@koa/router: router.post answers its route, nested under a prefix", async () => {
      const app = new Koa();
      const { webhook, updates } = recordUpdates(telegramWebhook);
      const router = new Router({ prefix: "/telegram" });
      router.post("/hook", webhook);
      router.post("/other", (ctx) => {
        ctx.body = "other route";
      });
      app.use(router.routes());
      const hook = await post(app, "/telegram/hook", update(1));
      const other = await post(app, "/telegram/other", update(2));
      expect([hook.status, other.text]).toEqual([200, "other route"]);
      expect(updates).toEqual([1]);
    });

    test("koa-mount: answers the mount path with and without a trailing slash", async () => {
      const app = new Koa();
      const { webhook, updates } = recordUpdates(telegramWebhook);
      app.use(mount("/tg", webhook));
      const reached = fallback(app);
      const plain = await post(app, "/tg", update(1));
      const slash = await post(app, "/tg/", update(2));
      const beside = await post(app, "/other", update(3));
      expect([plain.status, slash.status, beside.status]).toEqual([200, 200, 404]);
      expect(updates).toEqual([1, 2]);
      expect(reached).toEqual(["/other"]);
    });
  });

  describe("answers", () => {
    test("a delivered update is a real empty 200: not Koa's 404, not a 204, no guessed content type", async () => {
      const app = new Koa();
      const seen: [number, unknown][] = [];
      app.use(async (ctx, next) => {
        await next();
        seen.push([ctx.status, ctx.body]);
      });
      app.use(recordUpdates(telegramWebhook, { path: "/bot" }).webhook);
      const response = await post(app, "/bot", update(20));
      expect(response.status).toBe(200);
      expect(response.text).toBe("");
      expect(response.headers["content-type"]).toBeUndefined();
      expect(response.headers["content-length"]).toBe("0");
      // Middleware around the webhook, such as a logger, sees the answer on ctx.
      expect(seen).toEqual([[200, ""]]);
    });

    test("a rejection keeps the core's status, headers and JSON body", async () => {
      const app = new Koa();
      app.use(recordUpdates(telegramWebhook, { path: "/bot" }).webhook);
      const response = await request(app.callback()).get("/bot");
      expect(response.status).toBe(405);
      expect(response.headers.allow).toBe("POST");
      expect(response.headers["content-type"]).toMatch(/^application\/json/);
      expect(response.body).toMatchObject({ ok: false, error: "method_not_allowed" });
    });

    test("a missing secret header is reported as missing, not as a wrong secret", async () => {
      const app = new Koa();
      const { webhook, rejections } = recordUpdates(telegramWebhook, { path: "/bot" });
      app.use(webhook);
      const response = await post(app, "/bot", update(21), { "content-type": "application/json" });
      expect([response.status, response.body.error]).toEqual([401, "secret_token_missing"]);
      expect(rejections.map((r) => r.reason)).toEqual(["secret_token_missing"]);
    });

    test("a failing onUpdate is answered 500 by the webhook, never thrown into Koa", async () => {
      const app = new Koa();
      const koaErrors: unknown[] = [];
      app.on("error", (error) => void koaErrors.push(error));
      const failing = () => {
        throw new Error("bot bug");
      };
      app.use(recordUpdates(telegramWebhook, { path: "/bot", onUpdate: failing, onError: () => {} }).webhook);
      const response = await post(app, "/bot", update(22));
      expect([response.status, response.body.error]).toEqual([500, "handler_failed"]);
      expect(response.text).not.toContain("bot bug");
      expect(koaErrors).toEqual([]);
    });

    test("close() is the core handler's drain: afterwards requests are refused with 503", async () => {
      const app = new Koa();
      const { webhook, updates } = recordUpdates(telegramWebhook, { path: "/bot" });
      app.use(webhook);
      expect(await webhook.close({ timeoutMs: 100 })).toEqual({ drained: true, unfinished: 0 });
      const response = await post(app, "/bot", update(25));
      expect([response.status, response.headers["retry-after"]]).toEqual([503, "5"]);
      expect(updates).toEqual([]);
      const { handler } = webhook;
      expect([webhook.close, webhook.ready, webhook.setWebhook]).toEqual([
        handler.close,
        handler.ready,
        handler.setWebhook,
      ]);
    });
  });

  describe("body parsers", () => {
    test.each<[string, () => Koa.Middleware]>([
      ["@koa/bodyparser", () => bodyParser()],
      ["koa-body", () => withKoaTypes(koaBody())],
      ["koa-body with includeUnparsed", () => withKoaTypes(koaBody({ includeUnparsed: true }))],
    ])("delivers the update when %s ran before it", async (_, parser) => {
      const app = new Koa();
      const { webhook, updates } = recordUpdates(telegramWebhook, { path: "/bot" });
      app.use(parser());
      app.use(webhook);
      const response = await post(app, "/bot", update(30));
      expect(response.status).toBe(200);
      expect(updates).toEqual([30]);
    });

    test("mounted before @koa/bodyparser, it leaves the parser working for the rest of the app", async () => {
      const app = new Koa();
      const { webhook, updates } = recordUpdates(telegramWebhook, { path: "/bot" });
      app.use(webhook);
      app.use(bodyParser());
      app.use((ctx) => {
        ctx.body = { got: ctx.request.body };
      });
      const hook = await post(app, "/bot", update(31));
      const api = await request(app.callback()).post("/api").send({ a: 1 });
      expect([hook.status, api.body]).toEqual([200, { got: { a: 1 } }]);
      expect(updates).toEqual([31]);
    });

    test("@koa/bodyparser first: the kept raw text is checked as sent, so an empty body is empty_body", async () => {
      const app = new Koa();
      const { webhook, updates } = recordUpdates(telegramWebhook, { path: "/bot" });
      app.use(bodyParser());
      app.use(webhook);
      const response = await post(app, "/bot", "");
      expect([response.status, response.body.error]).toEqual([400, "empty_body"]);
      expect(updates).toEqual([]);
    });

    test("koa-body first: the secret and the size are still checked", async () => {
      const app = new Koa();
      const { webhook, updates } = recordUpdates(telegramWebhook, { path: "/bot", maxBodyBytes: 1000 });
      app.use(koaBody());
      app.use(webhook);
      const wrongSecret = await post(app, "/bot", update(32), telegramHeaders("wrong"));
      const tooLarge = await post(
        app,
        "/bot",
        JSON.stringify({ ...sampleUpdate(33), padding: "x".repeat(2000) }),
      );
      expect([wrongSecret.status, wrongSecret.body.error]).toEqual([401, "secret_token_invalid"]);
      expect([tooLarge.status, tooLarge.body.error]).toEqual([413, "payload_too_large"]);
      expect(updates).toEqual([]);
    });

    test.each<[string, () => Koa.Middleware]>([
      ["@koa/bodyparser", () => bodyParser()],
      ["koa-body", () => withKoaTypes(koaBody())],
    ])("%s first: invalid JSON is answered 400 by the parser, and onUpdate never runs", async (_, parser) => {
      const app = new Koa();
      app.silent = true;
      const { webhook, updates, rejections } = recordUpdates(telegramWebhook, { path: "/bot" });
      app.use(parser());
      app.use(webhook);
      const response = await post(app, "/bot", '{"update_id":1,');
      // Koa's own error answer: the webhook never saw the request, so it neither answered nor logged it.
      expect(response.status).toBe(400);
      expect(response.headers["content-type"]).toMatch(/^text\/plain/);
      expect(updates).toEqual([]);
      expect(rejections).toEqual([]);
    });

    test("a stream read by another middleware with nothing kept is answered 500 body_consumed", async () => {
      const app = new Koa();
      const { webhook, updates } = recordUpdates(telegramWebhook, { path: "/bot" });
      app.use(async (ctx, next) => {
        for await (const _chunk of ctx.req);
        await next();
      });
      app.use(webhook);
      const response = await post(app, "/bot", update(34));
      expect(response.status).toBe(500);
      expect(response.body).toMatchObject({ ok: false, error: "body_consumed" });
      expect(response.body.description).toMatch(/Mount telehook before that middleware/);
      expect(updates).toEqual([]);
    });
  });
});

test("a path that does not start with / is refused in @telehook/koa's name", () => {
  expect(() => telegramWebhook({ path: "bot", secretToken: "secret", onUpdate: () => {} })).toThrow(
    /^@telehook\/koa: path must start with "\/"/,
  );
});
