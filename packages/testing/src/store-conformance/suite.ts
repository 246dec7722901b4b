import type { ClaimResult, DeliveryStore } from "@telehook/core";
import { describe, expect, test } from "vitest";

/** How the suite reaches the store under test. */
export interface StoreConformanceOptions {
  /**
   * Makes a store. Stores made with the same `namespace` must share their records (they stand for two
   * instances of one bot); stores made with different namespaces must not see each other's records (two
   * bots sharing one server, kept apart by a key prefix). The suite uses a fresh namespace for each test.
   */
  create(namespace: string): DeliveryStore | Promise<DeliveryStore>;
  /**
   * Takes the store's backend away and brings it back, for a store that talks to a server. Without it, the
   * "stops answering" tests are reported as skipped: they do not apply to a store in process memory.
   */
  outage?: StoreOutage;
  /**
   * A lease that the suite can wait out, in ms. Tests of expiry wait three times this. Raise it for a
   * store whose leases have a coarse clock.
   * @default 100
   */
  shortLeaseMs?: number;
}

/** Cuts a store off its server, and restores it. */
export interface StoreOutage {
  /** The server stops answering (stopped, or its connections cut and refused). */
  stop(): Promise<void>;
  /** The server is back, with the data it had (or without: see the README's "Several instances"). */
  start(): Promise<void>;
  /**
   * The longest a call may stay unsettled while the server is gone before the suite calls it a hang. The
   * contract allows a call to stay pending (the handler's `storeTimeoutMs` bounds it); the suite then only
   * checks that it never answers anything but a failure.
   * @default 1000
   */
  observeMs?: number;
  /** How long the store may take to answer again once the server is back. @default 10000 */
  recoverMs?: number;
}

const LONG_LEASE_MS = 30_000;
const RETENTION_MS = 60_000;
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

let namespaces = 0;

/**
 * The behaviour every `DeliveryStore` must show, as one vitest suite: the memory store, `@telehook/redis`
 * and any store you write (Postgres, DynamoDB, Durable Objects) run the same checks.
 *
 * @example
 * import { describeStoreConformance } from "@telehook/testing/store-conformance";
 * describeStoreConformance("my store", { create: (namespace) => createMyStore({ prefix: namespace }) });
 */
export function describeStoreConformance(name: string, options: StoreConformanceOptions): void {
  const shortLeaseMs = options.shortLeaseMs ?? 100;
  const expired = () => sleep(3 * shortLeaseMs);

  /** Two instances of one bot: two stores over the same records. */
  async function pair(): Promise<[DeliveryStore, DeliveryStore, string]> {
    const namespace = `conformance-${process.pid}-${++namespaces}-${Date.now().toString(36)}`;
    return [await options.create(namespace), await options.create(namespace), namespace];
  }

  const lease = (updateId: number, queueKey: string | undefined, owner: string, leaseMs = LONG_LEASE_MS) => ({
    updateId,
    queueKey,
    owner,
    leaseMs,
  });
  const done = (
    updateId: number,
    queueKey: string | undefined,
    owner: string,
    retentionMs = RETENTION_MS,
  ) => ({
    updateId,
    queueKey,
    owner,
    retentionMs,
  });

  describe(`${name}: delivery store conformance`, () => {
    test("of many concurrent claims of one update, exactly one is granted; the others are told busy", async () => {
      const [a, b] = await pair();
      const claims = Array.from({ length: 20 }, (_, i) =>
        Promise.resolve((i % 2 ? a : b).claim(lease(1, "chat:1", `owner-${i}`))),
      );
      const answers = await Promise.all(claims);
      expect(answers.filter((answer) => answer === "claimed")).toHaveLength(1);
      expect(answers.filter((answer) => answer === "busy")).toHaveLength(19);
    });

    test("of concurrent claims of different updates of one chat, exactly one is granted; the others are queued", async () => {
      const [a, b] = await pair();
      const answers = await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          Promise.resolve((i % 2 ? a : b).claim(lease(100 + i, "chat:7", `owner-${i}`))),
        ),
      );
      expect(answers.filter((answer) => answer === "claimed")).toHaveLength(1);
      expect(answers.filter((answer) => answer === "queued")).toHaveLength(9);
    });

    test("updates of different chats, and updates without a queue key, are claimed independently", async () => {
      const [a, b] = await pair();
      expect(await a.claim(lease(1, "chat:1", "a1"))).toBe("claimed");
      expect(await b.claim(lease(2, "chat:2", "b2"))).toBe("claimed");
      expect(await a.claim(lease(3, undefined, "a3"))).toBe("claimed");
      expect(await b.claim(lease(4, undefined, "b4"))).toBe("claimed");
    });

    test("an update held by another owner is busy, whatever queue key the copy names", async () => {
      const [a, b] = await pair();
      expect(await a.claim(lease(1, "chat:1", "a"))).toBe("claimed");
      expect(await b.claim(lease(1, "chat:1", "b"))).toBe("busy");
      expect(await b.claim(lease(1, undefined, "b"))).toBe("busy");
    });

    test("a confirmed update is done, for every owner, within the retention window", async () => {
      const [a, b] = await pair();
      expect(await a.claim(lease(1, "chat:1", "a"))).toBe("claimed");
      await a.confirm(done(1, "chat:1", "a"));
      expect(await b.claim(lease(1, "chat:1", "b"))).toBe("done");
      expect(await a.claim(lease(1, "chat:1", "a-again"))).toBe("done");
      // Confirming frees the chat: its next update can start.
      expect(await b.claim(lease(2, "chat:1", "b2"))).toBe("claimed");
    });

    test("a chat held by another owner queues its next update, and takes nothing", async () => {
      const [a, b] = await pair();
      expect(await a.claim(lease(1, "chat:1", "a"))).toBe("claimed");
      expect(await b.claim(lease(2, "chat:1", "b"))).toBe("queued");
      expect(await b.claim(lease(2, "chat:1", "b"))).toBe("queued");
      await a.confirm(done(1, "chat:1", "a"));
      // The queued claim took nothing: a third owner can claim update 2 now.
      expect(await a.claim(lease(2, "chat:1", "c"))).toBe("claimed");
      expect(await b.claim(lease(2, "chat:1", "b"))).toBe("busy");
    });

    test("a queued owner asking again gets the update once the chat is free", async () => {
      const [a, b] = await pair();
      expect(await a.claim(lease(1, "chat:1", "a"))).toBe("claimed");
      expect(await b.claim(lease(2, "chat:1", "b"))).toBe("queued");
      await a.release({ updateId: 1, queueKey: "chat:1", owner: "a" });
      expect(await b.claim(lease(2, "chat:1", "b"))).toBe("claimed");
      expect(await a.claim(lease(3, "chat:1", "a3"))).toBe("queued");
    });

    test("an update's lease expires: another owner can claim it", async () => {
      const [a, b] = await pair();
      expect(await a.claim(lease(1, undefined, "a", shortLeaseMs))).toBe("claimed");
      await expired();
      expect(await b.claim(lease(1, undefined, "b"))).toBe("claimed");
    });

    test("a chat's lease expires: the chat's next update can start elsewhere", async () => {
      const [a, b] = await pair();
      expect(await a.claim(lease(1, "chat:1", "a", shortLeaseMs))).toBe("claimed");
      await expired();
      expect(await b.claim(lease(2, "chat:1", "b"))).toBe("claimed");
    });

    test("renewal keeps both leases past their first expiry", async () => {
      const [a, b] = await pair();
      expect(await a.claim(lease(1, "chat:1", "a", shortLeaseMs))).toBe("claimed");
      expect(await a.renew(lease(1, "chat:1", "a", LONG_LEASE_MS))).toBe(true);
      await expired();
      expect(await b.claim(lease(1, "chat:1", "b"))).toBe("busy");
      expect(await b.claim(lease(2, "chat:1", "b"))).toBe("queued");
      expect(await a.renew(lease(1, "chat:1", "a", LONG_LEASE_MS))).toBe(true);
    });

    test("renewal answers false once the leases were lost to another owner, and takes nothing back", async () => {
      const [a, b] = await pair();
      expect(await a.claim(lease(1, "chat:1", "a", shortLeaseMs))).toBe("claimed");
      await expired();
      expect(await b.claim(lease(1, "chat:1", "b"))).toBe("claimed");
      expect(await a.renew(lease(1, "chat:1", "a"))).toBe(false);
      expect(await b.renew(lease(1, "chat:1", "b"))).toBe(true);
      expect(await a.claim(lease(1, "chat:1", "c"))).toBe("busy");
      expect(await a.claim(lease(2, "chat:1", "c"))).toBe("queued");
    });

    test("renewal answers false after a confirm or a release, and by an owner that never claimed", async () => {
      const [a, b] = await pair();
      expect(await a.renew(lease(1, "chat:1", "nobody"))).toBe(false);
      expect(await a.claim(lease(1, "chat:1", "a"))).toBe("claimed");
      expect(await b.renew(lease(1, "chat:1", "b"))).toBe(false);
      await a.release({ updateId: 1, queueKey: "chat:1", owner: "a" });
      expect(await a.renew(lease(1, "chat:1", "a"))).toBe(false);
      expect(await a.claim(lease(2, "chat:1", "a2"))).toBe("claimed");
      await a.confirm(done(2, "chat:1", "a2"));
      expect(await a.renew(lease(2, "chat:1", "a2"))).toBe(false);
    });

    test("release frees the update and the chat, and it is not done", async () => {
      const [a, b] = await pair();
      expect(await a.claim(lease(1, "chat:1", "a"))).toBe("claimed");
      await a.release({ updateId: 1, queueKey: "chat:1", owner: "a" });
      expect(await b.claim(lease(1, "chat:1", "b"))).toBe("claimed");
    });

    test("release by another owner frees nothing", async () => {
      const [a, b] = await pair();
      expect(await a.claim(lease(1, "chat:1", "a"))).toBe("claimed");
      await b.release({ updateId: 1, queueKey: "chat:1", owner: "b" });
      expect(await b.claim(lease(1, "chat:1", "b"))).toBe("busy");
      expect(await b.claim(lease(2, "chat:1", "b"))).toBe("queued");
      expect(await a.renew(lease(1, "chat:1", "a"))).toBe(true);
    });

    test("a late confirm by an owner whose lease expired marks the update done and leaves the new owner's leases alone", async () => {
      const [a, b] = await pair();
      expect(await a.claim(lease(1, "chat:1", "a", shortLeaseMs))).toBe("claimed");
      await expired();
      expect(await b.claim(lease(1, "chat:1", "b"))).toBe("claimed");
      await a.confirm(done(1, "chat:1", "a"));
      expect(await a.claim(lease(1, "chat:1", "c"))).toBe("done");
      // b still holds the chat: the chat's next update waits for b.
      expect(await a.claim(lease(2, "chat:1", "c"))).toBe("queued");
      expect(await b.renew(lease(1, "chat:1", "b"))).toBe(true);
      await b.confirm(done(1, "chat:1", "b"));
      expect(await a.claim(lease(2, "chat:1", "c"))).toBe("claimed");
    });

    test("an update is done only for its retention window", async () => {
      const [a, b] = await pair();
      expect(await a.claim(lease(1, "chat:1", "a"))).toBe("claimed");
      await a.confirm(done(1, "chat:1", "a", shortLeaseMs));
      expect(await b.claim(lease(1, "chat:1", "b"))).toBe("done");
      await expired();
      expect(await b.claim(lease(1, "chat:1", "b"))).toBe("claimed");
    });

    test("confirm and release are idempotent", async () => {
      const [a, b] = await pair();
      expect(await a.claim(lease(1, "chat:1", "a"))).toBe("claimed");
      await a.confirm(done(1, "chat:1", "a"));
      await a.confirm(done(1, "chat:1", "a"));
      expect(await b.claim(lease(1, "chat:1", "b"))).toBe("done");
      expect(await b.claim(lease(2, "chat:1", "b"))).toBe("claimed");
      await b.release({ updateId: 2, queueKey: "chat:1", owner: "b" });
      await b.release({ updateId: 2, queueKey: "chat:1", owner: "b" });
      expect(await a.claim(lease(2, "chat:1", "a"))).toBe("claimed");
    });

    test("stores of different namespaces (bots) do not see each other's records", async () => {
      const [a] = await pair();
      const [other] = await pair();
      expect(await a.claim(lease(1, "chat:1", "a"))).toBe("claimed");
      expect(await other.claim(lease(1, "chat:1", "x"))).toBe("claimed");
      await a.confirm(done(2, "chat:2", "a"));
      expect(await other.claim(lease(2, "chat:2", "x"))).toBe("claimed");
    });

    const outage = options.outage;
    const outageTest = outage ? test : test.skip;
    const outageName = outage
      ? "a store whose server stops answering fails or stays pending, never answers a claim; it recovers, and nothing it was asked meanwhile blocks an update or a chat past a lease"
      : "a store whose server stops answering (not applicable: no outage hooks, the store has no server)";
    outageTest(outageName, { timeout: 60_000 }, async () => {
      if (!outage) return;
      const observeMs = outage.observeMs ?? 1000;
      const recoverMs = outage.recoverMs ?? 10_000;
      const [a, b] = await pair();
      expect(await a.claim(lease(1, "chat:1", "a"))).toBe("claimed");
      await outage.stop();
      let restarted = false;
      try {
        const settled: string[] = [];
        const watch = <T>(name: string, call: () => T | PromiseLike<T>) => {
          const answered = (value: unknown) => settled.push(`${name} answered ${String(value)}`);
          try {
            Promise.resolve(call()).then(answered, () => settled.push(`${name} failed`));
          } catch {
            settled.push(`${name} failed`);
          }
        };
        watch("claim", () => b.claim(lease(2, "chat:2", "b", shortLeaseMs)));
        watch("renew", () => a.renew(lease(1, "chat:1", "a")));
        watch("confirm", () => a.confirm(done(1, "chat:1", "a")));
        watch("release", () => b.release({ updateId: 3, queueKey: "chat:3", owner: "b" }));
        await sleep(observeMs);
        // A store may fail its calls or leave them pending for the handler's timeout; an answer out of
        // nowhere (a claim granted with no server to record it) is the one thing it must never give.
        expect(settled.filter((entry) => entry.endsWith("answered claimed"))).toEqual([]);
        expect(settled.filter((entry) => entry.startsWith("renew answered true"))).toEqual([]);
        await outage.start();
        restarted = true;
        // Recovery: the store answers again within recoverMs.
        const back = performance.now() + recoverMs;
        let answer: ClaimResult | undefined;
        for (let probe = 10; answer === undefined; probe++) {
          answer = await Promise.race([
            Promise.resolve(b.claim(lease(probe, undefined, "probe"))).catch(() => undefined),
            sleep(500).then(() => undefined),
          ]);
          if (answer === undefined && performance.now() > back) {
            throw new Error(`the store did not answer within ${recoverMs} ms of its server coming back`);
          }
        }
        expect(answer).toBe("claimed");
        // Whatever the claim made during the outage did (dropped, or run late), update 2 and chat 2 are free
        // again within a lease.
        await expired();
        expect(await a.claim(lease(2, "chat:2", "after"))).toBe("claimed");
      } finally {
        if (!restarted) await outage.start();
      }
    });
  });
}
