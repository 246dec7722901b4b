import { telegramWebhook } from "@telehook/express";
import { recordUpdates } from "@telehook/testing";
import { sampleUpdate, telegramHeaders } from "@telehook/testing/conformance";
import request from "supertest";
import { describe, expect, test } from "vitest";
import { EXPRESS_VERSIONS, type ExpressApp } from "./servers.js";

/** Answers whatever nobody else did, so a test can tell a fall-through from a webhook answer. */
function fallback(app: ExpressApp): string[] {
  const reached: string[] = [];
  app.use((req, res) => {
    reached.push(req.originalUrl);
    res.status(404).type("text/plain").send("fell through");
  });
  return reached;
}

const update = (id: number) => JSON.stringify(sampleUpdate(id));

describe.each(EXPRESS_VERSIONS)("%s", (_, express) => {
  describe("mount paths", () => {
    test("app.use answers the mount path with and without a trailing slash and a query", async () => {
      const app = express();
      const { webhook, updates } = recordUpdates(telegramWebhook);
      app.use("/bot", webhook);
      const reached = fallback(app);
      const statuses = [];
      for (const path of ["/bot", "/bot/", "/bot?source=telegram", "/bot/?a=1"]) {
        statuses.push(
          (await request(app).post(path).set(telegramHeaders()).send(update(statuses.length))).status,
        );
      }
      expect(statuses).toEqual([200, 200, 200, 200]);
      expect(updates).toEqual([0, 1, 2, 3]);
      expect(reached).toEqual([]);
    });

    test("app.use passes other paths under the mount, and other paths, to next()", async () => {
      const app = express();
      const { webhook, updates } = recordUpdates(telegramWebhook);
      app.use("/bot", webhook);
      const reached = fallback(app);
      const deeper = await request(app).post("/bot/other").set(telegramHeaders()).send(update(1));
      const beside = await request(app).post("/bots").set(telegramHeaders()).send(update(2));
      expect([deeper.status, deeper.text, beside.status]).toEqual([404, "fell through", 404]);
      expect(reached).toEqual(["/bot/other", "/bots"]);
      expect(updates).toEqual([]);
    });

    test("a route that ran before and called next() does not make other paths look like the mount", async () => {
      const app = express();
      const { webhook, updates } = recordUpdates(telegramWebhook);
      app.all(/.*/, (_req, _res, next) => next());
      app.use("/bot", webhook);
      const reached = fallback(app);
      const response = await request(app).post("/bot/other").set(telegramHeaders()).send(update(1));
      expect(response.status).toBe(404);
      expect(reached).toEqual(["/bot/other"]);
      expect(updates).toEqual([]);
    });

    test("app.post answers its route, with a trailing slash too, and leaves other routes alone", async () => {
      const app = express();
      const { webhook, updates } = recordUpdates(telegramWebhook);
      app.post("/telegram/hook", webhook);
      app.post("/other", (_req, res) => void res.send("other route"));
      const hook = await request(app).post("/telegram/hook").set(telegramHeaders()).send(update(1));
      const slash = await request(app).post("/telegram/hook/").set(telegramHeaders()).send(update(2));
      const other = await request(app).post("/other").set(telegramHeaders()).send(update(3));
      expect([hook.status, slash.status, other.text]).toEqual([200, 200, "other route"]);
      expect(updates).toEqual([1, 2]);
    });

    test("works inside an express.Router, both as a route and with router.use", async () => {
      const app = express();
      const { webhook, updates } = recordUpdates(telegramWebhook);
      const router = express.Router();
      router.post("/route", webhook);
      router.use("/mounted", webhook);
      app.use("/api", router);
      const reached = fallback(app);
      const route = await request(app).post("/api/route").set(telegramHeaders()).send(update(1));
      const mounted = await request(app).post("/api/mounted/").set(telegramHeaders()).send(update(2));
      const deeper = await request(app).post("/api/mounted/x").set(telegramHeaders()).send(update(3));
      expect([route.status, mounted.status, deeper.status]).toEqual([200, 200, 404]);
      expect(updates).toEqual([1, 2]);
      expect(reached).toEqual(["/api/mounted/x"]);
    });
  });

  describe("body parsers", () => {
    test.each([
      ["express.json()", () => express.json()],
      [
        "express.json() and express.urlencoded()",
        () => [express.json(), express.urlencoded({ extended: true })],
      ],
      ["express.text() for every type", () => express.text({ type: "*/*" })],
      ["express.raw() for every type", () => express.raw({ type: "*/*" })],
    ])("delivers the update when %s ran before it", async (_, parsers) => {
      const app = express();
      const { webhook, updates } = recordUpdates(telegramWebhook);
      app.use(parsers());
      app.use("/bot", webhook);
      const response = await request(app).post("/bot").set(telegramHeaders()).send(update(11));
      expect(response.status).toBe(200);
      expect(updates).toEqual([11]);
    });

    test("mounted before express.json(), it leaves the parser working for the rest of the app", async () => {
      const app = express();
      const { webhook, updates } = recordUpdates(telegramWebhook);
      app.use("/bot", webhook);
      app.use(express.json());
      app.post("/api/echo", (req, res) => void res.json({ got: req.body }));
      const hook = await request(app).post("/bot").set(telegramHeaders()).send(update(12));
      const api = await request(app).post("/api/echo").send({ a: 1 });
      expect([hook.status, api.body]).toEqual([200, { got: { a: 1 } }]);
      expect(updates).toEqual([12]);
    });

    test("express.json() first: the secret and the size are still checked", async () => {
      const app = express();
      const { webhook, updates } = recordUpdates(telegramWebhook, { maxBodyBytes: 1000 });
      app.use(express.json());
      app.use("/bot", webhook);
      const wrongSecret = await request(app).post("/bot").set(telegramHeaders("wrong")).send(update(13));
      const tooLarge = await request(app)
        .post("/bot")
        .set(telegramHeaders())
        .send(JSON.stringify({ ...sampleUpdate(14), padding: "x".repeat(2000) }));
      expect([wrongSecret.status, wrongSecret.body.error]).toEqual([401, "secret_token_invalid"]);
      expect([tooLarge.status, tooLarge.body.error]).toEqual([413, "payload_too_large"]);
      expect(updates).toEqual([]);
    });

    test("express.json() first: invalid JSON is answered 400 by the parser, and onUpdate never runs", async () => {
      const app = express();
      const { webhook, updates, rejections } = recordUpdates(telegramWebhook);
      app.use(express.json());
      app.use("/bot", webhook);
      const response = await request(app).post("/bot").set(telegramHeaders()).send('{"update_id":1,');
      // Express's own error page: the webhook never saw the request, so it neither answered nor logged it.
      expect(response.status).toBe(400);
      expect(response.headers["content-type"]).toMatch(/^text\/html/);
      expect(updates).toEqual([]);
      expect(rejections).toEqual([]);
    });

    test("express.json() first: a body of {} is 400 invalid_update, not a consumed stream", async () => {
      const app = express();
      const { webhook, updates, rejections } = recordUpdates(telegramWebhook);
      app.use(express.json());
      app.use("/bot", webhook);
      const response = await request(app).post("/bot").set(telegramHeaders()).send("{}");
      expect([response.status, response.body.error]).toEqual([400, "invalid_update"]);
      expect(rejections.map((rejection) => rejection.reason)).toEqual(["invalid_update"]);
      expect(updates).toEqual([]);
    });

    test("a stream read by another middleware with nothing kept is answered 500 body_consumed", async () => {
      const app = express();
      const { webhook, updates } = recordUpdates(telegramWebhook);
      app.use((req, _res, next) => {
        req.resume();
        req.on("end", () => next());
      });
      app.use("/bot", webhook);
      const response = await request(app).post("/bot").set(telegramHeaders()).send(update(15));
      expect(response.status).toBe(500);
      expect(response.body).toMatchObject({ ok: false, error: "body_consumed" });
      expect(response.body.description).toMatch(/Mount telehook before that middleware/);
      expect(updates).toEqual([]);
    });

    test("the consumed stream is reported even after a parser that left an empty req.body", async () => {
      // express.urlencoded() skips a JSON body; body-parser 1 still sets req.body to {}.
      const app = express();
      const { webhook, updates } = recordUpdates(telegramWebhook);
      app.use((req, _res, next) => {
        req.resume();
        req.on("end", () => next());
      });
      app.use(express.urlencoded({ extended: false }));
      app.use("/bot", webhook);
      const response = await request(app).post("/bot").set(telegramHeaders()).send(update(16));
      expect([response.status, response.body.error]).toEqual([500, "body_consumed"]);
      expect(updates).toEqual([]);
    });
  });

  describe("answers", () => {
    test("a delivered update gets an empty 200 with no guessed content type", async () => {
      const app = express();
      app.use("/bot", recordUpdates(telegramWebhook).webhook);
      const response = await request(app).post("/bot").set(telegramHeaders()).send(update(20));
      expect(response.status).toBe(200);
      expect(response.text).toBe("");
      expect(response.headers["content-type"]).toBeUndefined();
      expect(response.headers.etag).toBeUndefined();
    });

    test("a failing onUpdate is answered 500 by the webhook, never passed to Express's error handler", async () => {
      const app = express();
      const { webhook } = recordUpdates(telegramWebhook, {
        onUpdate: () => {
          throw new Error("bot bug");
        },
        onError: () => {},
      });
      const expressErrors: unknown[] = [];
      app.use("/bot", webhook);
      app.use(
        (error: unknown, _req: unknown, res: { status(code: number): { end(): void } }, _next: unknown) => {
          expressErrors.push(error);
          res.status(599).end();
        },
      );
      const response = await request(app).post("/bot").set(telegramHeaders()).send(update(21));
      expect([response.status, response.body.error]).toEqual([500, "handler_failed"]);
      expect(response.text).not.toContain("bot bug");
      expect(expressErrors).toEqual([]);
    });

    test("close() is the core handler's drain: afterwards requests are refused with 503", async () => {
      const app = express();
      const { webhook, updates } = recordUpdates(telegramWebhook);
      app.use("/bot", webhook);
      expect(await webhook.close({ timeoutMs: 100 })).toEqual({ drained: true, unfinished: 0 });
      const response = await request(app).post("/bot").set(telegramHeaders()).send(update(24));
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
});
