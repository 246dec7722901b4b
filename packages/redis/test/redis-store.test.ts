import { createWebhookHandler, type Update, type WebhookRequest } from "@telehook/core";
import { createRedisStore } from "@telehook/redis";
import { type CutProxy, startCutProxy, startTestRedis, type TestRedis } from "@telehook/testing/redis-server";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { CLIENT_KINDS, connectClient, type TestClient } from "./clients.js";

const SECRET = "redis_store_test-secret";
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
let prefixes = 0;
const freshPrefix = () => `test-${process.pid}-${++prefixes}-${Date.now().toString(36)}:`;

let redis: TestRedis;
/** A client straight to the server, for looking at what the store wrote and at its command counts. */
let admin: Redis;
const toClose: { close(): Promise<void> }[] = [];

beforeAll(async () => {
  redis = await startTestRedis();
  admin = new Redis(redis.url);
});
afterAll(async () => {
  for (const item of toClose) await item.close();
  admin?.disconnect();
  await redis?.stop();
});

async function connect(kind: (typeof CLIENT_KINDS)[number], url = redis.url): Promise<TestClient> {
  const client = await connectClient(kind, url);
  toClose.push(client);
  return client;
}

async function viaProxy(): Promise<CutProxy> {
  const proxy = await startCutProxy(redis.port, redis.host);
  toClose.push(proxy);
  return proxy;
}

const message = (id: number, chatId = 1): Update =>
  ({
    update_id: id,
    message: { message_id: id, date: 0, chat: { id: chatId, type: "private" }, text: `m${id}` },
  }) as Update;
const request = (update: Update): WebhookRequest => {
  const headers: Record<string, string> = {
    "content-type": "application/json",
    "x-telegram-bot-api-secret-token": SECRET,
  };
  return { method: "POST", header: (name) => headers[name], body: JSON.stringify(update) };
};

/**
 * The client, with a count of the commands the store sends through it: each is one round trip. Counted at
 * the client rather than from the server's INFO, which other tests sharing TELEHOOK_REDIS_URL would disturb.
 */
function counting<T extends object>(client: T): { client: T; sent: () => number } {
  let sent = 0;
  const counted = new Proxy(client, {
    get(target, name, receiver) {
      const value = Reflect.get(target, name, receiver);
      if (typeof value !== "function") return value;
      return (...args: unknown[]) => {
        sent++;
        return (value as (...args: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  return { client: counted, sent: () => sent };
}

describe("createRedisStore", () => {
  test("refuses a client that is neither ioredis nor node-redis, naming both", () => {
    expect(() => createRedisStore({ client: {} as never })).toThrow(/ioredis.*node-redis/);
    expect(() => createRedisStore(undefined as never)).toThrow(/client/);
  });

  for (const kind of CLIENT_KINDS) {
    test(`${kind}: one round trip to claim, one to confirm, one to renew; keys under the prefix, with TTLs`, async () => {
      const { client, sent } = counting((await connect(kind)).client);
      const prefix = freshPrefix();
      const store = createRedisStore({ client, prefix });
      // The first call of each script loads it (NOSCRIPT, then EVAL): two round trips, once.
      await store.claim({ updateId: 1, queueKey: "chat:1", owner: "warm", leaseMs: 1000 });
      await store.renew({ updateId: 1, queueKey: "chat:1", owner: "warm", leaseMs: 1000 });
      await store.release({ updateId: 1, queueKey: "chat:1", owner: "warm" });
      const before = sent();
      expect(await store.claim({ updateId: 2, queueKey: "chat:9", owner: "a", leaseMs: 30_000 })).toBe(
        "claimed",
      );
      expect(sent()).toBe(before + 1);
      expect(await admin.pttl(`${prefix}u:2`)).toBeGreaterThan(25_000);
      expect(await admin.get(`${prefix}q:chat:9`)).toBe("a");
      await store.confirm({ updateId: 2, queueKey: "chat:9", owner: "a", retentionMs: 60_000 });
      expect(sent()).toBe(before + 2);
      await store.renew({ updateId: 2, queueKey: "chat:9", owner: "a", leaseMs: 30_000 });
      expect(sent()).toBe(before + 3);
      expect(await admin.exists(`${prefix}u:2`, `${prefix}q:chat:9`)).toBe(0);
      expect(await admin.pttl(`${prefix}d:2`)).toBeGreaterThan(55_000);
    });

    test(`${kind}: works again after the server forgot its scripts (NOSCRIPT → EVAL)`, async () => {
      const { client } = await connect(kind);
      const store = createRedisStore({ client, prefix: freshPrefix() });
      expect(await store.claim({ updateId: 1, queueKey: undefined, owner: "a", leaseMs: 1000 })).toBe(
        "claimed",
      );
      await admin.script("FLUSH");
      expect(await store.claim({ updateId: 1, queueKey: undefined, owner: "b", leaseMs: 1000 })).toBe("busy");
      expect(await store.renew({ updateId: 1, queueKey: undefined, owner: "a", leaseMs: 1000 })).toBe(true);
      await admin.script("FLUSH");
      await store.confirm({ updateId: 1, queueKey: undefined, owner: "a", retentionMs: 1000 });
      expect(await store.claim({ updateId: 1, queueKey: undefined, owner: "b", leaseMs: 1000 })).toBe("done");
    });

    test(`${kind}: a claim answered after lateClaimMs (queued while Redis was away) is given back, not held`, async () => {
      const proxy = await viaProxy();
      const { client } = await connect(kind, `redis://127.0.0.1:${proxy.port}`);
      const prefix = freshPrefix();
      const store = createRedisStore({ client, prefix, lateClaimMs: 300 });
      await store.claim({ updateId: 99, queueKey: undefined, owner: "warm", leaseMs: 1000 });
      await proxy.cut();
      await sleep(100); // the client notices it is disconnected
      // The client queues the command while disconnected, and sends it once Redis is back.
      const late = Promise.resolve(
        store.claim({ updateId: 1, queueKey: "chat:1", owner: "ghost", leaseMs: 60_000 }),
      ).then(
        (answer) => `answered ${answer}`,
        (error: Error) => `failed: ${error.message}`,
      );
      await sleep(500);
      await proxy.restore();
      expect(await late).toMatch(/^failed: .*lateClaimMs \(300 ms\).*given back/);
      // Given back at once: another owner gets the update and its chat without waiting out the 60 s lease.
      const other = createRedisStore({ client: admin, prefix });
      let answer = "";
      for (let i = 0; i < 50 && answer !== "claimed"; i++) {
        answer = await other.claim({ updateId: 1, queueKey: "chat:1", owner: "next", leaseMs: 1000 });
        if (answer !== "claimed") await sleep(20);
      }
      expect(answer).toBe("claimed");
    });
  }

  test("two handlers on different client libraries share one Redis: a copy is handled once, a chat in order", async () => {
    const prefix = freshPrefix();
    const log: string[] = [];
    let releaseFirst = () => {};
    const firstHeld = new Promise<void>((resolve) => {
      releaseFirst = resolve;
    });
    const make = async (name: string, kind: (typeof CLIENT_KINDS)[number]) =>
      createWebhookHandler({
        secretToken: SECRET,
        store: createRedisStore({ client: (await connect(kind)).client, prefix }),
        deadlineMs: 200,
        onError: () => {},
        onUpdate: async (update) => {
          log.push(`${name} start ${update.update_id}`);
          if (update.update_id === 1) await firstHeld;
          log.push(`${name} end ${update.update_id}`);
        },
      });
    const a = await make("a", "ioredis");
    const b = await make("b", "node-redis");
    // Update 1 runs on a past the deadline (200 early); its copy on b, and chat 1's next update, wait for it.
    expect((await a.handle(request(message(1)))).status).toBe(200);
    const copy = await b.handle(request(message(1)));
    expect(copy.status).toBe(409);
    expect(copy.body).toContain("duplicate_in_progress");
    const second = b.handle(request(message(2)));
    await sleep(150);
    expect(log).toEqual(["a start 1"]);
    releaseFirst();
    expect((await second).status).toBe(200);
    expect((await b.handle(request(message(1)))).status).toBe(200); // done: acknowledged, not run
    expect(log).toEqual(["a start 1", "a end 1", "b start 2", "b end 2"]);
  });

  test("with Redis unreachable, the handler answers 503 with Retry-After within storeTimeoutMs and runs nothing", async () => {
    const proxy = await viaProxy();
    const { client } = await connect("ioredis", `redis://127.0.0.1:${proxy.port}`);
    const ran: number[] = [];
    const errors: unknown[] = [];
    const handler = createWebhookHandler({
      secretToken: SECRET,
      store: createRedisStore({ client, prefix: freshPrefix(), lateClaimMs: 300 }),
      storeTimeoutMs: 300,
      onError: (error) => void errors.push(error),
      onUpdate: (update) => void ran.push(update.update_id),
    });
    await proxy.cut();
    const answer = await handler.handle(request(message(7)));
    expect(answer.status).toBe(503);
    expect(answer.headers["retry-after"]).toBeDefined();
    expect(answer.body).toContain("store_unavailable");
    expect(ran).toEqual([]);
    expect(String(errors[0])).toMatch(/did not answer within 300 ms/);
    await proxy.restore();
    let status = 0;
    for (let i = 0; i < 100 && status !== 200; i++) {
      status = (await handler.handle(request(message(7)))).status;
      if (status !== 200) await sleep(50);
    }
    expect(status).toBe(200);
    expect(ran).toEqual([7]);
  });
});
