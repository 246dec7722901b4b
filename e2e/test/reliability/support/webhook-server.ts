/**
 * A webhook server process for the reliability runs: one telehook adapter behind a real listener, with a
 * handler that misbehaves as the fault plan says, recording every event to a file (see `event-log.ts`).
 *
 * Started by `server-process.ts` as
 *   node --conditions=@telehook/source --import tsx --expose-gc webhook-server.ts '<ServerConfig JSON>'
 * It answers IPC messages `{ type: "drain" | "heap", id }`, tells `{ type: "ready", port }` once listening, and
 * on SIGTERM shuts down gracefully: `webhook.close()` (new requests get 503 + Retry-After while in-flight work
 * finishes), then the listener closes, then the process exits.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { setImmediate as tick } from "node:timers/promises";
import type { DeliveryStore, Update, WebhookControls, WebhookOptions } from "@telehook/core";
import { type HostName, hostNamed } from "@telehook/hosts";
import { type EventCode, EventWriter } from "./event-log.js";
import { type FaultRates, handlerPlan, runBehaviour } from "./fault-plan.js";

/** A host of `@telehook/hosts` (e2e/hosts), the list every harness reads. */
export type Adapter = HostName;

/** Everything the server process needs, passed as one JSON argument. */
export interface ServerConfig {
  readonly adapter: Adapter;
  /** 0 for a free port. */
  readonly port: number;
  readonly path: string;
  readonly secretToken: string;
  readonly deadlineMs: number;
  /** How long the very slow handler runs take, in ms (see `runBehaviour`). */
  readonly verySlowMs: number;
  readonly maxAttempts: number;
  readonly retryAfterSeconds: number;
  readonly seed: number;
  readonly rates: FaultRates;
  /** The longest an ordinary handler run takes, in ms. */
  readonly maxWorkMs: number;
  readonly eventsFile: string;
  /** telehook's `dedupe` option; `false` only for the control run that shows the accounting sees duplicates. */
  readonly dedupe?: boolean;
  /**
   * This server's name among several sharing one events file (cluster runs): it is added as the last field of
   * its S, E, F, L, D and P lines.
   */
  readonly instance?: string;
  /** A shared Redis store for telehook's `store` option, through the given client library. @default memory */
  readonly redis?: {
    readonly url: string;
    readonly prefix: string;
    readonly client: "ioredis" | "node-redis";
  };
  /** telehook's `leaseMs`. */
  readonly leaseMs?: number;
  /** telehook's `storeTimeoutMs`. */
  readonly storeTimeoutMs?: number;
}

/** Messages the server sends its parent. */
export type ServerMessage =
  | { readonly type: "ready"; readonly port: number }
  | { readonly type: "drained"; readonly id: number }
  | {
      readonly type: "heap";
      readonly id: number;
      readonly heapUsed: number;
      /** Event-loop delay since the previous measurement, ms: the worst and the 99th percentile. */
      readonly loopDelayMaxMs: number;
      readonly loopDelayP99Ms: number;
      /** CPU time (user + system) since the previous measurement, ms. */
      readonly cpuMs: number;
    };

const config = JSON.parse(process.argv[2] ?? "") as ServerConfig;
const writer = new EventWriter(config.eventsFile);
/** The event writer, adding this instance's name in cluster runs. */
const events = {
  write(code: EventCode, ...fields: (string | number)[]): void {
    if (config.instance !== undefined && "SEFLDP".includes(code))
      writer.write(code, ...fields, config.instance);
    else writer.write(code, ...fields);
  },
  close: () => writer.close(),
};
events.write("P", process.pid);

process.on("unhandledRejection", (reason) =>
  events.write("X", JSON.stringify(["unhandledRejection", describe(reason)])),
);
process.on("uncaughtException", (error) =>
  events.write("X", JSON.stringify(["uncaughtException", describe(error)])),
);

function describe(value: unknown): string {
  return value instanceof Error ? `${value.name}: ${value.message}` : String(value);
}

/**
 * Runs of onUpdate so far per update id in this process, for updates that may run again (the failed ones);
 * forgotten on success and on the dead letter, so this harness's own memory does not grow with the run.
 */
const runs = new Map<number, number>();
let running = 0;
let drainWaiters: (() => void)[] = [];

function runFinished(): void {
  running--;
  if (running === 0) {
    const waiters = drainWaiters;
    drainWaiters = [];
    for (const wake of waiters) wake();
  }
}

const timing = {
  deadlineMs: config.deadlineMs,
  verySlowMs: config.verySlowMs,
  maxWorkMs: config.maxWorkMs,
};

/** The handler: records its start, behaves as planned, records its end. */
function onUpdate(update: Update): void | Promise<void> {
  const id = update.update_id;
  const run = (runs.get(id) ?? 0) + 1;
  runs.set(id, run);
  running++;
  events.write("S", id, run);
  const plan = handlerPlan(config.seed, id, config.rates, config.maxAttempts);
  const behaviour = runBehaviour(config.seed, id, run, plan, timing);
  if (behaviour.sync) {
    if (behaviour.outcome === "ok") {
      events.write("E", id);
      runs.delete(id);
      runFinished();
      return;
    }
    events.write("F", id);
    runFinished();
    throw new Error(`planned synchronous failure of update ${id}, run ${run}`);
  }
  return new Promise<void>((resolve, reject) => {
    setTimeout(() => {
      if (behaviour.outcome === "ok") {
        events.write("E", id);
        runs.delete(id);
        runFinished();
        resolve();
      } else {
        events.write("F", id);
        runFinished();
        reject(new Error(`planned asynchronous failure of update ${id}, run ${run}`));
      }
    }, behaviour.delayMs);
  });
}

/** A Redis store through the client library the config names, or undefined for the memory store. */
async function sharedStore(): Promise<DeliveryStore | undefined> {
  const redis = config.redis;
  if (!redis) return undefined;
  // Imported only here, so that the other runs' server processes load no Redis client.
  const { createRedisStore } = await import("@telehook/redis");
  if (redis.client === "ioredis") {
    const { Redis } = await import("ioredis");
    const client = new Redis(redis.url);
    client.on("error", () => {});
    return createRedisStore({ client, prefix: redis.prefix, lateClaimMs: config.storeTimeoutMs });
  }
  const { createClient } = await import("redis");
  const client = createClient({ url: redis.url });
  client.on("error", () => {});
  await client.connect();
  return createRedisStore({ client, prefix: redis.prefix, lateClaimMs: config.storeTimeoutMs });
}

const options: WebhookOptions = {
  store: await sharedStore(),
  ...(config.leaseMs === undefined ? {} : { leaseMs: config.leaseMs }),
  ...(config.storeTimeoutMs === undefined ? {} : { storeTimeoutMs: config.storeTimeoutMs }),
  secretToken: config.secretToken,
  onUpdate,
  deadlineMs: config.deadlineMs,
  maxAttempts: config.maxAttempts,
  retryAfterSeconds: config.retryAfterSeconds,
  dedupe: config.dedupe ?? true,
  onDeadline: (update) => events.write("L", update.update_id),
  onDeadLetter: (update) => {
    events.write("D", update.update_id);
    runs.delete(update.update_id);
  },
  onReject: (rejection) => events.write("R", rejection.status, rejection.reason),
  // Every failure is planned and recorded as F; the default would print thousands of stack traces.
  onError: () => {},
};

async function start(): Promise<{ server: Server; webhook: WebhookControls }> {
  const mount = await hostNamed(config.adapter).load();
  const { listener, webhook } = mount(options, config.path);
  return { server: createServer(listener), webhook };
}

const loopDelay = monitorEventLoopDelay({ resolution: 10 });
loopDelay.enable();
let cpuSince = process.cpuUsage();

const { server, webhook } = await start();
server.on("listening", () => {
  process.send?.({ type: "ready", port: (server.address() as AddressInfo).port } satisfies ServerMessage);
});
server.on("error", (error) => {
  events.write("X", JSON.stringify(["serverError", describe(error)]));
  process.exit(3);
});
server.listen(config.port, "127.0.0.1");

process.on("message", (message: { type: string; id: number }) => {
  if (message.type === "drain") {
    const reply = () => process.send?.({ type: "drained", id: message.id } satisfies ServerMessage);
    if (running === 0) reply();
    else drainWaiters.push(reply);
  } else if (message.type === "heap") {
    const loopDelayMaxMs = loopDelay.max / 1e6;
    const loopDelayP99Ms = loopDelay.percentile(99) / 1e6;
    const cpu = process.cpuUsage(cpuSince);
    cpuSince = process.cpuUsage();
    void measureHeap().then((heapUsed) => {
      loopDelay.reset();
      process.send?.({
        type: "heap",
        id: message.id,
        heapUsed,
        loopDelayMaxMs,
        loopDelayP99Ms,
        cpuMs: (cpu.user + cpu.system) / 1000,
      } satisfies ServerMessage);
    });
  }
});

/** heapUsed after full collections, once the numbers settle. */
async function measureHeap(): Promise<number> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) return Number.NaN;
  let previous = Number.POSITIVE_INFINITY;
  for (let round = 0; round < 10; round++) {
    gc();
    await tick();
    const used = process.memoryUsage().heapUsed;
    if (round >= 2 && Math.abs(previous - used) < 64 * 1024) return used;
    previous = used;
  }
  return previous;
}

process.once("SIGTERM", () => {
  void (async () => {
    const closed = await webhook.close({ timeoutMs: 10_000 });
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      // Keep-alive connections go as soon as they are idle (their last answer written); 503s meanwhile.
      setInterval(() => server.closeIdleConnections(), 10).unref();
      setTimeout(() => server.closeAllConnections(), 5_000).unref();
    });
    events.write("C", String(closed.drained), closed.unfinished);
    events.close();
    process.exit(0);
  })();
});
