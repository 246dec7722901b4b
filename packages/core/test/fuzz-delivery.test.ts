import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { createFetchHandler, createMemoryStore, type DeliveryStore } from "@telehook/core";
import fc from "fast-check";
import { afterEach, beforeEach, expect, test, vi } from "vitest";
import { SECRET } from "./helpers.js";

/**
 * Random handlers, stores and clocks through the fetch handler, with Telegram's side played by a driver:
 * one update in flight per chat, the next only after a 2xx, a refused update sent again (sometimes with a
 * concurrent copy). Whatever onUpdate returns or does, whatever the store does, however the wall clock
 * jumps, the process must not crash, every 2xx must come after onUpdate started for that update, every
 * refusal must carry Retry-After, every acknowledged update must end handled, dead-lettered or reported as
 * stuck, and the heap must come back down.
 */

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const never = () => new Promise<never>(() => {});

type Behaviour =
  | { kind: "ok" | "throw" | "reject" | "never" }
  | { kind: "slow"; ms: number }
  | { kind: "return"; value: number };

/** Values onUpdate may return; built fresh per call, since some are one-shot. */
const RETURNED: readonly (() => unknown)[] = [
  () => undefined,
  () => null,
  () => 42,
  () => "sendMessage",
  () => ({ method: "sendMessage", chat_id: 1, text: "ok" }),
  () => ({ method: "getMe" }),
  () => ({ method: Object.create(null) }),
  () => ({
    get method() {
      throw new Error("getter");
    },
  }),
  () => ({ method: "sendMessage", toJSON: () => ({ method: "deleteWebhook", drop_pending_updates: true }) }),
  () => ({ method: "sendMessage", text: 1n }),
  () =>
    new Proxy(
      {},
      {
        has() {
          throw new Error("trap");
        },
      },
    ),
  // biome-ignore lint/suspicious/noThenProperty: a thenable that never settles is the point.
  () => ({ then: () => {} }),
  () => ({
    // biome-ignore lint/suspicious/noThenProperty: a thenable whose then throws is the point.
    then: () => {
      throw new Error("then");
    },
  }),
  () => ({ method: "sendMessage", chat_id: 1, text: "x".repeat(1_100_000) }),
];

type StoreKind = "memory" | "throw" | "hang" | "slow" | "thenable" | "garbage" | "flaky";

function storeOf(kind: StoreKind, random: () => number): DeliveryStore {
  const memory = createMemoryStore();
  const wrap = <A extends unknown[], R>(call: (...args: A) => R) => {
    return (...args: A): R | Promise<R> => {
      switch (kind) {
        case "memory":
          return call(...args);
        case "throw":
          throw new Error("store down");
        case "hang":
          return never();
        case "slow":
          return sleep(Math.floor(random() * 40)).then(() => call(...args));
        case "thenable":
          // biome-ignore lint/suspicious/noThenProperty: another library's promise.
          return { then: (resolve: (value: R) => void) => resolve(call(...args)) } as unknown as Promise<R>;
        case "garbage":
          return (random() < 0.5 ? undefined : "yes") as R;
        case "flaky":
          return random() < 0.3 ? Promise.reject(new Error("blip")) : call(...args);
      }
    };
  };
  return {
    claim: wrap(memory.claim) as DeliveryStore["claim"],
    renew: wrap(memory.renew) as DeliveryStore["renew"],
    confirm: wrap(memory.confirm) as DeliveryStore["confirm"],
    release: wrap(memory.release) as DeliveryStore["release"],
  };
}

const behaviour: fc.Arbitrary<Behaviour> = fc.oneof(
  fc.constant({ kind: "ok" as const }),
  fc.constant({ kind: "throw" as const }),
  fc.constant({ kind: "reject" as const }),
  fc.constant({ kind: "never" as const }),
  fc.record({ kind: fc.constant("slow" as const), ms: fc.integer({ min: 0, max: 60 }) }),
  fc.record({ kind: fc.constant("return" as const), value: fc.nat({ max: RETURNED.length - 1 }) }),
);

const scenario = fc.record({
  updates: fc.array(fc.record({ chat: fc.nat({ max: 3 }), behaviour, copies: fc.boolean() }), {
    minLength: 1,
    maxLength: 14,
  }),
  store: fc.constantFrom<StoreKind | "none">(
    "none",
    "memory",
    "throw",
    "hang",
    "slow",
    "thenable",
    "garbage",
    "flaky",
  ),
  webhookReply: fc.boolean(),
  clockSteps: fc.array(fc.integer({ min: -120_000, max: 120_000 }), { maxLength: 6 }),
  seed: fc.integer(),
});

const crashes: unknown[] = [];
const onCrash = (reason: unknown) => void crashes.push(reason);
beforeEach(() => {
  process.on("unhandledRejection", onCrash);
  process.on("uncaughtException", onCrash);
});
afterEach(() => {
  process.off("unhandledRejection", onCrash);
  process.off("uncaughtException", onCrash);
  vi.restoreAllMocks();
});

/**
 * A webhook that acknowledges whatever has not been answered within 5 ms, as a naive "answer first" setup
 * does: the control, which the same checks must catch.
 */
type Wrap = (answer: Promise<Response>) => Promise<Response>;
const ACKNOWLEDGE_EARLY: Wrap = (answer) =>
  Promise.race([answer, sleep(5).then(() => new Response(null, { status: 200 }))]);

type Scenario = typeof scenario extends fc.Arbitrary<infer T> ? T : never;

async function runScenario(s: Scenario, wrap: Wrap = (answer) => answer): Promise<void> {
  let state = s.seed >>> 0;
  const random = () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
  const realNow = Date.now.bind(Date);
  let offset = 0;
  vi.spyOn(Date, "now").mockImplementation(() => realNow() + offset);
  const steps = [...s.clockSteps];

  const started = new Set<number>();
  const handled = new Set<number>();
  const deadLettered = new Set<number>();
  const stuck = new Set<number>();
  const violations: string[] = [];
  const behaviourOf = new Map(s.updates.map((u, index) => [index + 1, u.behaviour]));

  const webhook = createFetchHandler({
    secretToken: SECRET,
    deadlineMs: 25,
    maxRunMs: 80,
    storeTimeoutMs: 20,
    retryAfterSeconds: 1,
    webhookReply: s.webhookReply,
    ...(s.store === "none" ? { dedupe: false } : { store: storeOf(s.store, random) }),
    onUpdate: (update) => {
      const id = update.update_id;
      started.add(id);
      if (steps.length > 0 && random() < 0.3) offset += steps.shift() as number;
      const b = behaviourOf.get(id) as Behaviour;
      const done = (value?: unknown) => {
        handled.add(id);
        return value;
      };
      switch (b.kind) {
        case "ok":
          return done() as undefined;
        case "throw":
          throw new Error("handler throws");
        case "reject":
          return Promise.reject(new Error("handler rejects"));
        case "never":
          return never();
        case "slow":
          return sleep(b.ms).then(() => done()) as Promise<undefined>;
        case "return":
          handled.add(id); // it returned: any reply problem is reported, the update counts as handled
          return (RETURNED[b.value] as () => unknown)() as undefined;
      }
    },
    onError: (error, update) => {
      if ((error as { code?: string }).code === "handler_timeout") stuck.add(update.update_id);
    },
    onDeadLetter: (update) => void deadLettered.add(update.update_id),
  });

  const post = (id: number, chat: number) =>
    wrap(
      webhook(
        new Request("http://127.0.0.1/bot", {
          method: "POST",
          headers: { "content-type": "application/json", "x-telegram-bot-api-secret-token": SECRET },
          body: JSON.stringify({
            update_id: id,
            message: { message_id: id, date: 0, chat: { id: chat, type: "private" }, text: "x" },
          }),
        }),
      ),
    );

  const acked = new Set<number>();
  async function deliver(id: number, chat: number, copies: boolean): Promise<void> {
    for (let attempt = 0; attempt < 6; attempt++) {
      const answers = await Promise.all(
        copies && attempt === 0 ? [post(id, chat), post(id, chat)] : [post(id, chat)],
      );
      let ok = false;
      for (const response of answers) {
        await response.arrayBuffer();
        if (response.ok) {
          ok = true;
          if (!started.has(id))
            violations.push(`update ${id} acknowledged (${response.status}) before it started`);
        } else if (!response.headers.get("retry-after")) {
          violations.push(`update ${id} refused ${response.status} without Retry-After`);
        }
      }
      if (ok) {
        acked.add(id);
        return;
      }
      await sleep(Math.floor(random() * 5));
    }
  }

  const byChat = new Map<number, number[]>();
  s.updates.forEach((u, index) => {
    byChat.set(u.chat, [...(byChat.get(u.chat) ?? []), index + 1]);
  });
  await Promise.all(
    [...byChat].map(async ([chat, ids]) => {
      for (const id of ids) await deliver(id, chat, (s.updates[id - 1] as { copies: boolean }).copies);
    }),
  );
  await webhook.close({ timeoutMs: 1000 });
  await sleep(100); // past maxRunMs, so a run that never settles has been reported
  for (const id of acked) {
    if (!handled.has(id) && !deadLettered.has(id) && !stuck.has(id)) {
      violations.push(`update ${id} was acknowledged but neither handled, dead-lettered nor reported stuck`);
    }
  }
  vi.restoreAllMocks();
  expect(violations, violations.join("; ")).toEqual([]);
  expect(crashes).toEqual([]);
}

test("random handlers, stores and clock steps: no crash, nothing acknowledged unstarted, nothing lost silently, heap bounded", async () => {
  setFlagsFromString("--expose-gc");
  const gc = runInNewContext("gc") as () => void;
  const heap = async () => {
    await sleep(0);
    gc();
    await sleep(0);
    gc();
    return process.memoryUsage().heapUsed;
  };
  await fc.assert(
    fc.asyncProperty(scenario, (s) => runScenario(s)),
    { numRuns: 5 },
  ); // warm-up
  const before = await heap();
  await fc.assert(
    fc.asyncProperty(scenario, (s) => runScenario(s)),
    { numRuns: 30 },
  );
  const growth = (await heap()) - before;
  expect(growth, `heap grew ${(growth / 2 ** 20).toFixed(1)} MiB over 30 runs`).toBeLessThan(16 * 2 ** 20);
}, 120_000);

test("control: the same checks catch a webhook that acknowledges updates before they start", async () => {
  const outcome = await fc.check(
    fc.asyncProperty(scenario, (s) => runScenario(s, ACKNOWLEDGE_EARLY)),
    { numRuns: 40 },
  );
  expect(outcome.failed).toBe(true);
  expect(String(outcome.errorInstance)).toMatch(/before it started|neither handled/);
}, 120_000);
