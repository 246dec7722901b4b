import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { setTimeout as sleep } from "node:timers/promises";
import { createTelegramEmulator, type DeliveryRecord, type TelegramEmulator } from "@telehook/testing";
import { type LoggedEvent, readEvents } from "./event-log.js";
import { type FaultRates, handlerPlan, LOAD_FAULTS, networkFault } from "./fault-plan.js";
import { type ProcessWatch, watchProcess } from "./process-watch.js";
import { type ProxyStats, startResetProxy } from "./reset-proxy.js";
import { sequence } from "./seeded-random.js";
import { type ServerMeasure, type ServerProcess, startServerProcess } from "./server-process.js";
import { UpdateStream } from "./update-stream.js";
import { accountDeliveries, type DeliveryAccount } from "./verify.js";
import type { Adapter } from "./webhook-server.js";

export const SECRET_TOKEN = "reliability-secret_0123456789";

/** Options of {@link runLoad}. */
export interface LoadRunOptions {
  readonly adapter: Adapter;
  readonly updates: number;
  readonly chats: number;
  readonly seed: number;
  readonly rates?: FaultRates;
  /** telehook's deadline in real ms. @default 100 */
  readonly deadlineMs?: number;
  /**
   * Telegram's deadline (the emulator's `deadlineMs`) in real ms. In production the margin is 60 s against
   * telehook's 25 s; here it is 10× telehook's deadline, which leaves room for the CPU contention of a
   * shared 2-core machine without making the slowest handlers take long.
   * @default 10 × deadlineMs
   */
  readonly telegramDeadlineMs?: number;
  /**
   * Real ms per emulated ms: Retry-After, backoff and lifetimes shrink by this.
   * @default 0.004 (telehook's default Retry-After of 5 s takes 20 ms)
   */
  readonly timeScale?: number;
  /** @default 3 (telehook's default) */
  readonly maxAttempts?: number;
  /** @default 5 (telehook's default; 20 real ms on the compressed clock) */
  readonly retryAfterSeconds?: number;
  /** setWebhook's max_connections. @default 40 (Telegram's default) */
  readonly maxConnections?: number;
  /** Updates sent but not yet delivered, at most. @default 2000 */
  readonly window?: number;
  /** Updates before the heap baseline is taken. @default 10 % of `updates`, at least 200 */
  readonly warmup?: number;
  /** Also measure the heap every this many updates (the soak). @default only at the end */
  readonly checkpointEvery?: number;
  /** The longest an ordinary handler run takes, ms. @default 4 */
  readonly maxWorkMs?: number;
  /** telehook's `dedupe` option, `false` only for a control run. @default true */
  readonly dedupe?: boolean;
  readonly log?: (line: string) => void;
}

/**
 * A measurement of the server process: its heap after forced full collections, and its event-loop delay
 * and CPU time since the previous point.
 */
export interface HeapPoint extends ServerMeasure {
  readonly afterUpdates: number;
}

/** What a load run found: the accounting, the emulator's view and the figures. */
export interface LoadRunReport {
  readonly adapter: Adapter;
  readonly seed: number;
  readonly updates: number;
  readonly chats: number;
  readonly chatsUsed: number;
  /** Updates sent before the heap baseline and the timed phase. */
  readonly warmup: number;
  readonly deadlineMs: number;
  readonly telegramDeadlineMs: number;
  readonly timeScale: number;
  readonly durationMs: number;
  /** Runs of onUpdate that lasted longer than Telegram's deadline (answered early all the same). */
  readonly runsPastTelegramDeadline: number;
  readonly account: DeliveryAccount;
  readonly proxy: ProxyStats;
  readonly emulator: {
    readonly attempts: number;
    readonly delivered: number;
    readonly failed: number;
    readonly dropped: number;
    readonly status500: number;
    /** 503 with Retry-After: an update whose deadline came while it still waited for its chat. */
    readonly status503: number;
    /** Attempts Telegram gave up on after its (compressed) 60 s, after the warm-up. */
    readonly readTimeouts: number;
    /**
     * The same during the warm-up, when the server process is cold: its first requests are not sped up
     * like the emulator's clock, and may take longer than 60 compressed seconds.
     */
    readonly warmupReadTimeouts: number;
    readonly connectionErrors: number;
    readonly pendingAfterIdle: number;
    /** Updates whose first answer the proxy replaced by a reset after a successful run: dedupe answered the copy. */
    readonly redeliveriesAbsorbed: number;
  };
  readonly heap: {
    readonly baseline: HeapPoint;
    readonly final: HeapPoint;
    readonly checkpoints: readonly HeapPoint[];
  };
  readonly serverExitCode: number | null;
  readonly parentCrashes: readonly string[];
  /** Everything the emulator's view contradicts, on top of `account.violations`. */
  readonly emulatorViolations: readonly string[];
  /** All violations, emulator's and accounting's, for one assertion. */
  readonly violations: readonly string[];
}

/**
 * Sends `updates` updates over `chats` chats from the emulator, through a proxy that resets some connections,
 * into a telehook adapter in its own process whose handler throws, rejects or overruns the deadline as the
 * seed decides; then accounts for every update (see `accountDeliveries`) and checks the emulator's view: every
 * update delivered exactly once as Telegram sees it, none dropped, nothing pending; only 500 + Retry-After
 * or connection errors on the way. The heap of the server process is measured after forced GCs.
 */
export async function runLoad(options: LoadRunOptions): Promise<LoadRunReport> {
  const log = options.log ?? (() => {});
  const rates = options.rates ?? LOAD_FAULTS;
  const deadlineMs = options.deadlineMs ?? 100;
  const maxAttempts = options.maxAttempts ?? 3;
  const retryAfterSeconds = options.retryAfterSeconds ?? 5;
  const window = options.window ?? 2000;
  const warmup = Math.min(options.updates, options.warmup ?? Math.max(200, Math.floor(options.updates / 10)));
  const telegramDeadlineMs = options.telegramDeadlineMs ?? 10 * deadlineMs;
  const timeScale = options.timeScale ?? 0.004;
  const seed = options.seed;
  const dir = mkdtempSync(join(tmpdir(), "telehook-reliability-"));
  const eventsFile = join(dir, "events.log");
  const watch: ProcessWatch = watchProcess();
  let server: ServerProcess | undefined;
  let emulator: TelegramEmulator | undefined;
  let proxy: Awaited<ReturnType<typeof startResetProxy>> | undefined;
  try {
    server = await startServerProcess({
      adapter: options.adapter,
      port: 0,
      path: "/bot",
      secretToken: SECRET_TOKEN,
      deadlineMs,
      // The very slow handler runs outlast Telegram's deadline.
      verySlowMs: telegramDeadlineMs + 50,
      maxAttempts,
      retryAfterSeconds,
      seed,
      rates,
      maxWorkMs: options.maxWorkMs ?? 4,
      eventsFile,
      dedupe: options.dedupe ?? true,
    });
    proxy = await startResetProxy(server.port, (id) => networkFault(seed, id, rates));
    const stream = new UpdateStream(seed, options.updates, options.chats);
    emulator = await createTelegramEmulator({
      timeScale,
      deadlineMs: telegramDeadlineMs / timeScale,
      firstUpdateId: stream.firstId,
      random: sequence(seed),
    });
    const clockAt = { emulated: emulator.clock.now(), real: Date.now() };
    const loopDelay = monitorEventLoopDelay({ resolution: 10 });
    loopDelay.enable();
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
        max_connections: options.maxConnections ?? 40,
      }),
    });
    const set = (await reply.json()) as { ok: boolean; description?: string };
    if (!set.ok) throw new Error(`setWebhook failed: ${set.description}`);

    const idleTimeout = (n: number) => 30_000 + n * 5;
    // A server process that dies mid-run fails the run at once, with its output, instead of at a timeout.
    const running = server;
    const died = running.exited.then(({ code, signal }) => {
      throw new Error(`the server process exited (${code ?? signal}) in the middle of the run`);
    });
    died.catch(() => {});
    const settle = async (n: number) => {
      await Promise.race([(emulator as TelegramEmulator).waitForIdle({ timeoutMs: idleTimeout(n) }), died]);
      await Promise.race([running.drain(idleTimeout(n)), died]);
    };
    const feed = async (until: number) => {
      while (stream.sent < until) {
        const room = window - (stream.sent - finished);
        if (room > 0) stream.sendNext(emulator as TelegramEmulator, Math.min(room, 250, until - stream.sent));
        await sleep(2);
      }
    };

    log(`${options.adapter}: warm-up, ${warmup} updates`);
    await feed(warmup);
    await settle(warmup);
    const baseline: HeapPoint = { afterUpdates: warmup, ...(await server.measure()) };
    const checkpoints: HeapPoint[] = [baseline];
    const started = performance.now();
    const mainPhaseAt = emulator.clock.now();
    const step = options.checkpointEvery ?? options.updates;
    for (let target = warmup; target < options.updates; ) {
      target = Math.min(options.updates, target + step);
      await feed(target);
      if (target < options.updates) {
        await settle(target);
        const point = { afterUpdates: target, ...(await server.measure()) };
        checkpoints.push(point);
        log(`${options.adapter}: ${target} updates, heap ${mb(point.heapUsed)}`);
      }
    }
    await settle(options.updates);
    const durationMs = performance.now() - started;
    const final: HeapPoint = { afterUpdates: options.updates, ...(await server.measure()) };
    checkpoints.push(final);
    const pendingAfterIdle = emulator.webhookInfo().pending_update_count;
    loopDelay.disable();
    const serverExitCode = await server.stop();

    const sent = stream.keys();
    const events = readEvents(eventsFile);
    if (process.env.TELEHOOK_RELIABILITY_DEBUG) {
      const real = (emulated: number) => Math.round(clockAt.real + (emulated - clockAt.emulated) * timeScale);
      console.log(
        `server loop delay: max ${final.loopDelayMaxMs.toFixed(0)} ms, p99 ${final.loopDelayP99Ms.toFixed(0)} ms, cpu ${final.cpuMs.toFixed(0)} ms in ${durationMs.toFixed(0)} ms`,
      );
      console.log(
        `parent loop delay: max ${(loopDelay.max / 1e6).toFixed(0)} ms, p99 ${(loopDelay.percentile(99) / 1e6).toFixed(0)} ms`,
      );
      for (const record of emulator.deliveries) {
        if (!/timeout/.test(record.error ?? "") || record.startedAt < mainPhaseAt) continue;
        const id = record.updateId;
        console.log(
          `read timeout: update ${id} ${JSON.stringify(handlerPlan(seed, id, rates, maxAttempts))} ${networkFault(seed, id, rates)}`,
          emulator.deliveries
            .filter((r) => r.updateId === id)
            .map(
              (r) =>
                `${r.attempt}:${r.outcome}:${r.status ?? r.error}@${real(r.startedAt)}-${real(r.finishedAt)}`,
            ),
          events.filter((e) => e.id === id).map((e) => `${e.code}@${e.at}`),
        );
      }
    }
    const account = accountDeliveries(events, {
      sent,
      planOf: (id) => handlerPlan(seed, id, rates, maxAttempts),
      maxAttempts,
    });
    const proxyStats = proxy.stats();
    const emulatorView = checkEmulator(
      emulator.deliveries,
      sent,
      retryAfterSeconds,
      proxyStats,
      (id) => handlerPlan(seed, id, rates, maxAttempts).kind === "ok",
      mainPhaseAt,
    );
    if (pendingAfterIdle !== 0)
      emulatorView.violations.push(`emulator: ${pendingAfterIdle} updates still pending`);
    if (serverExitCode !== 0)
      emulatorView.violations.push(`server: exited with ${serverExitCode} after SIGTERM`);
    const parentCrashes = watch.stop();
    for (const crash of parentCrashes) emulatorView.violations.push(`test process: ${crash}`);
    return {
      adapter: options.adapter,
      seed,
      updates: options.updates,
      chats: options.chats,
      chatsUsed: stream.chatsUsed(),
      warmup,
      deadlineMs,
      telegramDeadlineMs,
      timeScale,
      durationMs,
      runsPastTelegramDeadline: longRuns(events, telegramDeadlineMs),
      account,
      proxy: proxyStats,
      emulator: { ...emulatorView.figures, pendingAfterIdle },
      heap: { baseline, final, checkpoints },
      serverExitCode,
      parentCrashes,
      emulatorViolations: emulatorView.violations,
      violations: [...emulatorView.violations, ...account.violations],
    };
  } catch (error) {
    const output = server?.output() ?? "";
    throw new Error(`${(error as Error).message}${output ? `\n--- server output ---\n${output}` : ""}`, {
      cause: error,
    });
  } finally {
    watch.stop();
    await server?.kill();
    await emulator?.close();
    await proxy?.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Telegram's side of the run, from the emulator's delivery log. */
function checkEmulator(
  records: readonly DeliveryRecord[],
  sent: ReadonlyMap<number, string>,
  retryAfterSeconds: number,
  proxy: ProxyStats,
  isOkPlan: (id: number) => boolean,
  mainPhaseAt: number,
) {
  const violations: string[] = [];
  const delivered = new Map<number, number>();
  const attemptsOf = new Map<number, DeliveryRecord[]>();
  let failed = 0;
  let dropped = 0;
  let status500 = 0;
  let status503 = 0;
  let readTimeouts = 0;
  let warmupReadTimeouts = 0;
  let connectionErrors = 0;
  for (const record of records) {
    const list = attemptsOf.get(record.updateId) ?? [];
    list.push(record);
    attemptsOf.set(record.updateId, list);
    if (record.outcome === "delivered") {
      delivered.set(record.updateId, (delivered.get(record.updateId) ?? 0) + 1);
    } else if (record.outcome === "dropped") {
      dropped++;
      violations.push(`emulator: update ${record.updateId} was dropped (${record.dropReason})`);
    } else {
      failed++;
      if (record.status === 500 && record.retryAfter === retryAfterSeconds) status500++;
      else if (record.status === 503 && record.retryAfter === retryAfterSeconds) status503++;
      else if (record.status !== undefined) {
        violations.push(
          `emulator: update ${record.updateId} got ${record.status} (Retry-After ${record.retryAfter}); only 500 or 503 with Retry-After ${retryAfterSeconds} is expected`,
        );
      } else if (/timeout expired/.test(record.error ?? "")) {
        if (record.startedAt >= mainPhaseAt) readTimeouts++;
        else warmupReadTimeouts++;
      } else connectionErrors++;
    }
  }
  for (const [id] of sent) {
    const count = delivered.get(id) ?? 0;
    if (count !== 1) violations.push(`emulator: update ${id} was delivered ${count} times`);
  }
  for (const [fault, ids] of Object.entries(proxy.faulted)) {
    for (const id of ids) {
      const first = attemptsOf.get(id)?.[0];
      if (first?.outcome !== "failed" || first.status !== undefined) {
        violations.push(`proxy: the ${fault} of update ${id} did not fail its first attempt at the emulator`);
      }
    }
  }
  let redeliveriesAbsorbed = 0;
  for (const id of proxy.faulted["lose-answer"]) {
    if (isOkPlan(id) && (attemptsOf.get(id)?.length ?? 0) >= 2) redeliveriesAbsorbed++;
  }
  return {
    violations,
    figures: {
      attempts: records.length - dropped,
      delivered: [...delivered.values()].reduce((a, b) => a + b, 0),
      failed,
      dropped,
      status500,
      status503,
      readTimeouts,
      warmupReadTimeouts,
      connectionErrors,
      redeliveriesAbsorbed,
    },
  };
}

/** Runs (S to E/F of one update) longer than `ms`. */
function longRuns(events: readonly LoggedEvent[], ms: number): number {
  const started = new Map<number, number>();
  let count = 0;
  for (const event of events) {
    if (event.code === "S") started.set(event.id, event.at);
    else if (event.code === "E" || event.code === "F") {
      const at = started.get(event.id);
      if (at !== undefined && event.at - at > ms) count++;
      started.delete(event.id);
    }
  }
  return count;
}

export function mb(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/** One line per figure, for the test output and the soak report. */
export function describeLoadRun(report: LoadRunReport): string {
  const { account, emulator, proxy, heap } = report;
  const timed = heap.checkpoints.slice(1);
  const faults = Object.entries(proxy.faulted)
    .map(([fault, ids]) => `${fault} ${ids.length}`)
    .join(", ");
  const plans = Object.entries(account.byPlan)
    .map(([plan, n]) => `${plan} ${n}`)
    .join(", ");
  return [
    `${report.adapter}: seed ${report.seed}, ${report.updates} updates over ${report.chatsUsed} chats; ${report.updates - report.warmup} after the warm-up in ${(report.durationMs / 1000).toFixed(1)} s (${Math.round(((report.updates - report.warmup) * 1000) / report.durationMs)}/s)`,
    `  plans: ${plans}; network faults on first attempts: ${faults}`,
    `  handled ${account.handled}, dead letters ${account.deadLetters}, duplicates ${account.duplicates}, runs ${account.runs} (${account.failedRuns} failed), deadline acks ${account.deadlineAcks}; ${report.runsPastTelegramDeadline} runs outlasted Telegram's deadline (${report.telegramDeadlineMs} ms; telehook's ${report.deadlineMs} ms)`,
    `  emulator: ${emulator.attempts} attempts, ${emulator.delivered} delivered, ${emulator.status500} × 500+Retry-After, ${emulator.status503} × 503+Retry-After (not started by the deadline), ${emulator.connectionErrors} connection errors, ${emulator.readTimeouts} read timeouts (${emulator.warmupReadTimeouts} in the warm-up), ${emulator.dropped} dropped, ${emulator.pendingAfterIdle} pending; ${emulator.redeliveriesAbsorbed} redeliveries of handled updates answered by dedupe`,
    `  rejections: ${JSON.stringify(account.rejections)}`,
    `  server process: CPU ${(timed.reduce((sum, point) => sum + point.cpuMs, 0) / 1000).toFixed(1)} s in the timed phase, event-loop delay max ${Math.max(...timed.map((point) => point.loopDelayMaxMs)).toFixed(0)} ms`,
    `  heap (server process, after GC): baseline ${mb(heap.baseline.heapUsed)} after ${heap.baseline.afterUpdates}, final ${mb(heap.final.heapUsed)} after ${heap.final.afterUpdates} (${heap.final.heapUsed >= heap.baseline.heapUsed ? "+" : ""}${mb(heap.final.heapUsed - heap.baseline.heapUsed)})`,
    `  violations: ${report.violations.length === 0 ? "none" : report.violations.length}`,
  ].join("\n");
}
