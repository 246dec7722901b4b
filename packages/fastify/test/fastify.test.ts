import { PassThrough, Readable } from "node:stream";
import { type FastifyWebhookOptions, telegramWebhook } from "@telehook/fastify";
import {
  CONFORMANCE_SECRET,
  sampleUpdate,
  sendOverHttp,
  telegramHeaders,
} from "@telehook/testing/conformance";
import type { FastifyInstance } from "fastify";
import { describe, expect, test } from "vitest";
import { FASTIFY_VERSIONS } from "./servers.js";

describe.each(FASTIFY_VERSIONS)("%s", (_, factory) => {
  /** An app with the webhook on /bot, listening on a random loopback port. */
  async function start(options: Partial<FastifyWebhookOptions> = {}, before = (_app: FastifyInstance) => {}) {
    const app = factory();
    const updates: number[] = [];
    before(app);
    await app.register(telegramWebhook, {
      path: "/bot",
      secretToken: CONFORMANCE_SECRET,
      onUpdate: (update) => void updates.push(update.update_id),
      ...options,
    });
    app.log.level = "warn";
    const base = await app.listen({ port: 0, host: "127.0.0.1" });
    return { app, base, updates };
  }

  const post = (url: string, body: string) =>
    sendOverHttp(url, { method: "POST", headers: telegramHeaders(), body });

  test("works beside the app's own JSON parser, which keeps serving its routes", async () => {
    const { app, base, updates } = await start({}, (app) => {
      app.post("/api/echo", async (request) => ({ got: request.body }));
    });
    try {
      const hook = await post(`${base}/bot`, JSON.stringify(sampleUpdate(1)));
      const empty = await post(`${base}/bot`, "{}");
      const api = await post(`${base}/api/echo`, '{"a":1}');
      expect([hook.status, hook.body, hook.headers["content-type"]]).toEqual([200, "", undefined]);
      expect([empty.status, JSON.parse(empty.body).error]).toEqual([400, "invalid_update"]);
      expect(JSON.parse(api.body)).toEqual({ got: { a: 1 } });
      expect(updates).toEqual([1]);
    } finally {
      await app.close();
    }
  });

  test("a preParsing hook's replacement stream is what the webhook reads", async () => {
    // The app swaps the body for another stream before parsing (as a decryption hook would): the
    // webhook must read that stream, not the request's own.
    const { app, base, updates } = await start({}, (app) => {
      app.addHook("preParsing", async () => Readable.from([Buffer.from(JSON.stringify(sampleUpdate(7)))]));
    });
    try {
      const hook = await post(`${base}/bot`, JSON.stringify(sampleUpdate(1)));
      expect(hook.status).toBe(200);
      expect(updates).toEqual([7]);
    } finally {
      await app.close();
    }
  });

  // The conformance suite checks the allowlist on the body as Fastify hands it over. A preParsing hook that
  // replaces the stream sends the request through the adapter's copy, which must keep the peer's getter.
  test("the source allowlist sees the TCP peer's address through a preParsing hook's replacement stream", async () => {
    const before = (app: FastifyInstance) => {
      app.addHook("preParsing", async (_request, _reply, payload) => payload.pipe(new PassThrough()));
    };
    const loopback = await start({ sourceIp: { allow: ["127.0.0.0/8"] } }, before);
    const telegramOnly = await start({ sourceIp: {} }, before);
    try {
      const allowed = await post(`${loopback.base}/bot`, JSON.stringify(sampleUpdate(1)));
      const refused = await post(`${telegramOnly.base}/bot`, JSON.stringify(sampleUpdate(2)));
      expect([allowed.status, refused.status, JSON.parse(refused.body).error]).toEqual([
        200,
        403,
        "source_not_allowed",
      ]);
      expect([loopback.updates, telegramOnly.updates]).toEqual([[1], []]);
    } finally {
      await Promise.all([loopback.app.close(), telegramOnly.app.close()]);
    }
  });

  test("ready and setWebhook() are reachable from the instance", async () => {
    const { app } = await start();
    try {
      await expect(app.telegramWebhook.ready).resolves.toBeNull();
      await expect(app.telegramWebhook.setWebhook()).rejects.toThrow(/setWebhook option/);
    } finally {
      await app.close();
    }
  });

  test("app.close() waits for an update still running after its deadline answer", async () => {
    const events: string[] = [];
    let finish = () => {};
    const running = new Promise<void>((resolve) => {
      finish = resolve;
    });
    const { app, base } = await start({
      deadlineMs: 50,
      onUpdate: async () => {
        events.push("started");
        await running;
        events.push("finished");
      },
    });
    const answer = await post(`${base}/bot`, JSON.stringify(sampleUpdate(1)));
    expect([answer.status, events]).toEqual([200, ["started"]]);
    const closed = app.close().then(() => void events.push("closed"));
    await new Promise((resolve) => setTimeout(resolve, 50));
    events.push("released");
    finish();
    await closed;
    expect(events).toEqual(["started", "released", "finished", "closed"]);
  });

  test("a wrong path option is refused at registration", async () => {
    const app = factory();
    await expect(
      app.register(telegramWebhook, { path: "bot", secretToken: CONFORMANCE_SECRET, onUpdate: () => {} }),
    ).rejects.toThrow(/^@telehook\/fastify: path must start with/);
  });
});
