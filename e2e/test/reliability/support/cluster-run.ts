import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { createTelegramEmulator, type TelegramEmulator } from "@telehook/testing";
import { startTestRedis, type TestRedis } from "@telehook/testing/redis-server";
import { countEvents, readEvents } from "./event-log.js";
import { type FaultRates, NO_FAULTS } from "./fault-plan.js";
import { SECRET_TOKEN } from "./load-run.js";
import { type ProcessWatch, watchProcess } from "./process-watch.js";
import { type RoundRobinProxy, startRoundRobinProxy } from "./round-robin-proxy.js";
import { sequence } from "./seeded-random.js";
import { type ServerProcess, startServerProcess } from "./server-process.js";
import { UpdateStream } from "./update-stream.js";
import { accountCluster, type ClusterAccount } from "./verify.js";
import type { Adapter, ServerConfig } from "./webhook-server.js";

/** The handler faults of the cluster runs: some fail, some outlast the deadline. */
export const CLUSTER_FAULTS: FaultRates = {
  ...NO_FAULTS,
  flaky: 0.04,
  poison: 0.01,
  slow: 0.04,
  slowFail: 0.01,
};

export interface ClusterRunOptions {
  /** `redis`: one Redis shared by every instance; `memory`: each instance its own (the control). */
  readonly store: "redis" | "memory";
  readonly updates: number;
  readonly chats: number;
  readonly seed: number;
  /** SIGKILL one instance after a third of the updates were handled, and start it again. @default false */
  readonly kill?: boolean;
  /** Restart Redis after two thirds were handled (it keeps its data: append-only file). @default false */
  readonly restartRedis?: boolean;
  /**
   * Redis keeps its data across the restart (append-only file, fsync always). Without it, the leases of
   * runs going on at the restart are lost, and a chat's next update may start beside them.
   * @default true
   */
  readonly redisPersistence?: boolean;
  /** How long Redis stays down at its restart, ms. @default 400 */
  readonly redisDownMs?: number;
  /** @default CLUSTER_FAULTS */
  readonly rates?: FaultRates;
  /** telehook's deadline, ms. @default 100 */
  readonly deadlineMs?: number;
  /** Updates queued in the emulator and not yet delivered, at most. @default 1500 */
  readonly window?: number;
  readonly log?: (line: string) => void;
}

export interface ClusterRunReport {
  readonly store: "redis" | "memory";
  readonly seed: number;
  readonly updates: number;
  readonly chats: number;
  readonly durationMs: number;
  readonly account: ClusterAccount;
  /** Updates whose delivery the SIGKILL cut. */
  readonly inFlightAtKill: number;
  /** Redis was restarted (not when the run used TELEHOOK_REDIS_URL's server, which it cannot restart). */
  readonly redisRestarted: boolean;
  /** While Redis was down: the answers Telegram got, by status (`cut` for no answer). */
  readonly duringRedisRestart: Readonly<Record<string, number>>;
  readonly emulator: {
    readonly delivered: number;
    readonly status503: number;
    readonly status409: number;
    readonly status500: number;
    readonly otherFailures: number;
    readonly pendingAfterIdle: number;
  };
  readonly connectionsByInstance: Readonly<Record<string, number>>;
  readonly violations: readonly string[];
}

const INSTANCES: readonly { name: string; adapter: Adapter; client: "ioredis" | "node-redis" }[] = [
  { name: "express", adapter: "express", client: "ioredis" },
  { name: "hono", adapter: "hono", client: "node-redis" },
  { name: "koa", adapter: "koa", client: "ioredis" },
];

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  const port = typeof address === "object" && address !== null ? address.port : 0;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/**
 * Three webhook server processes (Express, Hono, Koa) behind a round-robin TCP proxy, fed by the emulator
 * (max_connections 100), sharing one Redis store (or, for the control, each its own memory store). An
 * instance may be SIGKILLed and started again mid-stream, and Redis restarted. Then every update is
 * accounted for across the processes (see `accountCluster`).
 */
export async function runCluster(options: ClusterRunOptions): Promise<ClusterRunReport> {
  const log = options.log ?? (() => {});
  const deadlineMs = options.deadlineMs ?? 100;
  const telegramDeadlineMs = 5000;
  const timeScale = 0.004;
  const window = options.window ?? 1500;
  const dir = mkdtempSync(join(tmpdir(), "telehook-cluster-"));
  const eventsFile = join(dir, "events.log");
  const watch: ProcessWatch = watchProcess();
  let redis: TestRedis | undefined;
  let proxy: RoundRobinProxy | undefined;
  let emulator: TelegramEmulator | undefined;
  const servers = new Map<string, ServerProcess>();
  const outputs: string[] = [];
  let feeding = true;
  let feeder: Promise<void> | undefined;
  try {
    if (options.store === "redis")
      redis = await startTestRedis({ persistence: options.redisPersistence ?? true });
    const prefix = `cluster-${options.seed}-${Date.now().toString(36)}:`;
    const configs = new Map<string, ServerConfig>();
    for (const instance of INSTANCES) {
      const config: ServerConfig = {
        adapter: instance.adapter,
        port: await freePort(),
        path: "/bot",
        secretToken: SECRET_TOKEN,
        deadlineMs,
        verySlowMs: 6 * deadlineMs,
        maxAttempts: 3,
        retryAfterSeconds: 5,
        seed: options.seed,
        rates: options.rates ?? CLUSTER_FAULTS,
        maxWorkMs: 10,
        eventsFile,
        instance: instance.name,
        leaseMs: 1500,
        storeTimeoutMs: 300,
        ...(redis ? { redis: { url: redis.url, prefix, client: instance.client } } : {}),
      };
      configs.set(instance.name, config);
    }
    const started = await Promise.all(
      [...configs.entries()].map(async ([name, config]) => [name, await startServerProcess(config)] as const),
    );
    for (const [name, server] of started) servers.set(name, server);
    const ports = [...configs.values()].map((config) => config.port);
    proxy = await startRoundRobinProxy(ports);

    const stream = new UpdateStream(options.seed, options.updates, options.chats);
    emulator = await createTelegramEmulator({
      timeScale,
      deadlineMs: telegramDeadlineMs / timeScale,
      firstUpdateId: stream.firstId,
      random: sequence(options.seed),
    });
    let finished = 0;
    emulator.onDelivery((record) => {
      if (record.outcome !== "failed") finished++;
    });
    const reply = await fetch(`${emulator.apiRoot}/bot${emulator.token}/setWebhook`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        url: `http://127.0.0.1:${proxy.port}/bot`,
        secret_token: SECRET_TOKEN,
        max_connections: 100,
      }),
    });
    const set = (await reply.json()) as { ok: boolean; description?: string };
    if (!set.ok) throw new Error(`setWebhook failed: ${set.description}`);

    const startedAt = performance.now();
    const queueIn = emulator;
    feeder = (async () => {
      while (feeding && stream.sent < stream.count) {
        const room = window - (stream.sent - finished);
        if (room > 0) stream.sendNext(queueIn, Math.min(room, 200));
        await sleep(5);
      }
    })();
    const handledAtLeast = async (count: number) => {
      while (countEvents(eventsFile, "E") < count) {
        if (stream.sent === stream.count && queueIn.webhookInfo().pending_update_count === 0) return;
        await sleep(10);
      }
    };

    const inFlightAtKill = new Set<number>();
    if (options.kill) {
      await handledAtLeast(Math.floor(options.updates / 3));
      const victim = "hono";
      const server = servers.get(victim) as ServerProcess;
      const killAt = emulator.clock.now();
      await server.kill();
      const deadAt = emulator.clock.now();
      // The test's own line in the shared file: the victim's runs end here.
      const fd = openSync(eventsFile, "a");
      writeSync(fd, `K ${Date.now()} ${victim}\n`);
      closeSync(fd);
      outputs.push(server.output());
      servers.delete(victim);
      await sleep(100);
      servers.set(victim, await startServerProcess(configs.get(victim) as ServerConfig));
      await sleep(50);
      for (const record of emulator.deliveries) {
        if (
          record.outcome === "failed" &&
          record.status === undefined &&
          record.startedAt <= deadAt &&
          record.finishedAt >= killAt
        ) {
          inFlightAtKill.add(record.updateId);
        }
      }
      log(`killed ${victim}: ${inFlightAtKill.size} deliveries in flight; started again`);
    }

    const duringRedisRestart: Record<string, number> = {};
    const redisRestarted = options.restartRedis === true && redis?.own === true;
    if (options.restartRedis && !redisRestarted)
      log("TELEHOOK_REDIS_URL's server cannot be restarted: no restart");
    if (redisRestarted && redis) {
      await handledAtLeast(Math.floor((2 * options.updates) / 3));
      const downFrom = emulator.clock.now();
      await redis.restart({ downMs: options.redisDownMs ?? 400 });
      const upAt = emulator.clock.now();
      for (const record of emulator.deliveries) {
        if (record.startedAt >= downFrom && record.finishedAt <= upAt) {
          const key = record.status === undefined ? "cut" : String(record.status);
          duringRedisRestart[key] = (duringRedisRestart[key] ?? 0) + 1;
        }
      }
      log(`restarted Redis: answers meanwhile ${JSON.stringify(duringRedisRestart)}`);
    }

    await feeder;
    await emulator.waitForIdle({ timeoutMs: 120_000 });
    for (const server of servers.values()) await server.drain(60_000);
    const pendingAfterIdle = emulator.webhookInfo().pending_update_count;
    const durationMs = performance.now() - startedAt;
    for (const [name, server] of servers) {
      const exit = await server.stop();
      outputs.push(server.output());
      if (exit !== 0) outputs.push(`${name} exited with ${exit}`);
    }
    servers.clear();

    const account = accountCluster(readEvents(eventsFile), {
      sent: stream.keys(),
      inFlightAtKill,
      allowLossAfterEarlyAnswer: options.kill === true,
    });
    const violations = [...account.violations];
    const delivered = new Map<number, number>();
    let status503 = 0;
    let status409 = 0;
    let status500 = 0;
    let otherFailures = 0;
    for (const record of emulator.deliveries) {
      if (record.outcome === "delivered")
        delivered.set(record.updateId, (delivered.get(record.updateId) ?? 0) + 1);
      else if (record.outcome === "dropped")
        violations.push(`emulator: update ${record.updateId} was dropped (${record.dropReason})`);
      else if (record.status === 503) status503++;
      else if (record.status === 409) status409++;
      else if (record.status === 500) status500++;
      else otherFailures++;
    }
    if (pendingAfterIdle !== 0) violations.push(`emulator: ${pendingAfterIdle} updates still pending`);
    for (const crash of watch.stop()) violations.push(`test process: ${crash}`);
    const connectionsByInstance: Record<string, number> = {};
    for (const [name, config] of configs)
      connectionsByInstance[name] = proxy.connections().get(config.port) ?? 0;
    return {
      store: options.store,
      seed: options.seed,
      updates: options.updates,
      chats: options.chats,
      durationMs,
      account,
      inFlightAtKill: inFlightAtKill.size,
      redisRestarted,
      duringRedisRestart,
      emulator: {
        delivered: [...delivered.values()].reduce((a, b) => a + b, 0),
        status503,
        status409,
        status500,
        otherFailures,
        pendingAfterIdle,
      },
      connectionsByInstance,
      violations,
    };
  } catch (error) {
    for (const server of servers.values()) outputs.push(server.output());
    const output = outputs.filter(Boolean).join("\n").slice(-4000);
    throw new Error(`${(error as Error).message}${output ? `\n--- server output ---\n${output}` : ""}`, {
      cause: error,
    });
  } finally {
    feeding = false;
    await feeder?.catch(() => {});
    watch.stop();
    for (const server of servers.values()) await server.kill();
    await proxy?.close();
    await emulator?.close();
    await redis?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

export function describeClusterRun(report: ClusterRunReport): string {
  const { account, emulator } = report;
  return [
    `3 instances (express, hono, koa), ${report.store} store: seed ${report.seed}, ${report.updates} updates over ${report.chats} chats in ${(report.durationMs / 1000).toFixed(1)} s; ${account.processes} server processes`,
    `  runs by instance ${JSON.stringify(account.runsByInstance)}; connections ${JSON.stringify(report.connectionsByInstance)}`,
    `  handled ${account.handled}, dead-lettered ${account.deadLetters}; ended twice ${account.duplicateIds.length} (allowed: in flight at the kill, ${report.inFlightAtKill}); lost after an early answer ${account.lostAfterEarlyAnswer.length} (answered early, unfinished at the kill: ${account.answeredEarlyThenKilled})`,
    `  per chat: ${account.overlaps} overlapping runs, ${account.outOfOrder} out of order`,
    `  rejections ${JSON.stringify(account.rejections)}`,
    `  during the Redis restart: ${report.redisRestarted ? JSON.stringify(report.duringRedisRestart) : "(not restarted)"}`,
    `  emulator: ${emulator.delivered} delivered, ${emulator.status503} × 503, ${emulator.status409} × 409, ${emulator.status500} × 500, ${emulator.otherFailures} other failures, ${emulator.pendingAfterIdle} pending`,
    `  violations: ${account.violationCount + report.violations.length - account.violations.length}`,
  ].join("\n");
}
