import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { createTelegramEmulator, type TelegramEmulator } from "@telehook/testing";
import { countEvents, readEvents } from "./event-log.js";
import { type FaultRates, NO_FAULTS } from "./fault-plan.js";
import { SECRET_TOKEN } from "./load-run.js";
import { type ProcessWatch, watchProcess } from "./process-watch.js";
import { sequence } from "./seeded-random.js";
import { type ServerProcess, startServerProcess } from "./server-process.js";
import { UpdateStream } from "./update-stream.js";
import { accountRestarts, type RestartAccount } from "./verify.js";
import type { Adapter, ServerConfig } from "./webhook-server.js";

/** How the server is stopped mid-stream. */
export type Interruption = "kill" | "graceful";

export interface RestartRunOptions {
  readonly adapter: Adapter;
  /** SIGKILL (no drain) or SIGTERM (`webhook.close()`, then exit). */
  readonly interruption: Interruption;
  readonly updates: number;
  readonly chats: number;
  readonly seed: number;
  /** How many times the server is stopped and started again. @default 2 */
  readonly restarts?: number;
  /** Handler faults; only `slow` makes sense here (every run succeeds). @default none */
  readonly rates?: FaultRates;
  /** @default 100 */
  readonly deadlineMs?: number;
  /**
   * Telegram's deadline in real ms. Long here: a freshly started process on a busy 2-core machine can take
   * a second or two for its first requests, and a delivery Telegram gave up on before the stop is a
   * different case from one the stop cut (see `known-gaps.test.ts`).
   * @default 5000
   */
  readonly telegramDeadlineMs?: number;
  /** The longest an ordinary handler run takes: work in flight when the server stops. @default 15 */
  readonly maxWorkMs?: number;
  readonly log?: (line: string) => void;
}

/** One stop of a server process. */
export interface Stop {
  readonly pid: number;
  readonly afterHandled: number;
  /** Delivery attempts cut by the stop (SIGKILL only): the updates Telegram never heard back about. */
  readonly inFlight: number;
  /** Real ms from the stop to the new process listening. */
  readonly downMs: number;
  readonly exitCode: number | null;
}

export interface RestartRunReport {
  readonly adapter: Adapter;
  readonly interruption: Interruption;
  readonly seed: number;
  readonly updates: number;
  readonly durationMs: number;
  readonly stops: readonly Stop[];
  readonly account: RestartAccount;
  readonly inFlightAtKill: number;
  readonly emulator: {
    readonly delivered: number;
    readonly refused: number;
    readonly cut: number;
    readonly status503: number;
    readonly otherFailures: number;
    readonly pendingAfterIdle: number;
  };
  readonly violations: readonly string[];
}

/** A free port on 127.0.0.1, found by listening on port 0 and closing again. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  const port = typeof address === "object" && address !== null ? address.port : 0;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/**
 * Streams updates from the emulator into a server process on a fixed port, stops it mid-stream
 * (`restarts` times, after a share of the updates were handled each time) and starts it again on the same
 * port; the emulator's redelivery (connection refused → backoff, 503 → Retry-After) must bring every
 * unacknowledged update to the new process. Then accounts for every update (see `accountRestarts`).
 */
export async function runRestarts(options: RestartRunOptions): Promise<RestartRunReport> {
  const log = options.log ?? (() => {});
  const restarts = options.restarts ?? 2;
  const deadlineMs = options.deadlineMs ?? 100;
  const telegramDeadlineMs = options.telegramDeadlineMs ?? 5000;
  const timeScale = 0.004;
  const dir = mkdtempSync(join(tmpdir(), "telehook-restarts-"));
  const eventsFile = join(dir, "events.log");
  const watch: ProcessWatch = watchProcess();
  const port = await freePort();
  const config: ServerConfig = {
    adapter: options.adapter,
    port,
    path: "/bot",
    secretToken: SECRET_TOKEN,
    deadlineMs,
    // Slow runs are still running when the server is stopped; close() has to wait for them.
    verySlowMs: 10 * deadlineMs,
    maxAttempts: 3,
    retryAfterSeconds: 5,
    seed: options.seed,
    rates: options.rates ?? NO_FAULTS,
    maxWorkMs: options.maxWorkMs ?? 15,
    eventsFile,
  };
  let server: ServerProcess | undefined;
  let emulator: TelegramEmulator | undefined;
  /** Queues updates as fast as they are delivered, up to 400 pending, while the server comes and goes. */
  let feeder: Promise<void> | undefined;
  let feeding = true;
  const outputs: string[] = [];
  try {
    server = await startServerProcess(config);
    const stream = new UpdateStream(options.seed, options.updates, options.chats);
    emulator = await createTelegramEmulator({
      timeScale,
      deadlineMs: telegramDeadlineMs / timeScale,
      firstUpdateId: stream.firstId,
      random: sequence(options.seed),
    });
    const clockAt = { emulated: emulator.clock.now(), real: Date.now() };
    const stopTimes: number[] = [];
    let finished = 0;
    emulator.onDelivery((record) => {
      if (record.outcome !== "failed") finished++;
    });
    const reply = await fetch(`${emulator.apiRoot}/bot${emulator.token}/setWebhook`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ url: `http://127.0.0.1:${port}/bot`, secret_token: SECRET_TOKEN }),
    });
    const set = (await reply.json()) as { ok: boolean; description?: string };
    if (!set.ok) throw new Error(`setWebhook failed: ${set.description}`);

    const started = performance.now();
    const queueIn = emulator;
    feeder = (async () => {
      while (feeding && stream.sent < stream.count) {
        const room = 400 - (stream.sent - finished);
        if (room > 0) stream.sendNext(queueIn, Math.min(room, 50));
        await sleep(5);
      }
    })();

    const stops: Stop[] = [];
    const inFlightAtKill = new Set<number>();
    for (let stop = 1; stop <= restarts; stop++) {
      const threshold = Math.floor((options.updates * stop) / (restarts + 1));
      while (countEvents(eventsFile, "E") < threshold) {
        if (stream.sent === stream.count && emulator.webhookInfo().pending_update_count === 0) break;
        await sleep(5);
      }
      const current = server;
      const handled = countEvents(eventsFile, "E");
      const killAt = emulator.clock.now();
      stopTimes.push(Date.now());
      let exitCode: number | null = null;
      if (options.interruption === "kill") await current.kill();
      else exitCode = await current.stop();
      const deadAt = emulator.clock.now();
      const downFrom = performance.now();
      outputs.push(current.output());
      server = undefined;
      // Let Telegram notice: its requests are refused now, and it backs off.
      await sleep(50);
      server = await startServerProcess(config);
      const downMs = performance.now() - downFrom;
      let inFlight = 0;
      if (options.interruption === "kill") {
        // The attempts cut by the kill end with a connection error; wait until the emulator has recorded them.
        await sleep(20);
        for (const record of emulator.deliveries) {
          if (
            record.outcome === "failed" &&
            record.status === undefined &&
            record.startedAt <= deadAt &&
            record.finishedAt >= killAt &&
            !inFlightAtKill.has(record.updateId)
          ) {
            inFlightAtKill.add(record.updateId);
            inFlight++;
          }
        }
      }
      stops.push({ pid: current.pid, afterHandled: handled, inFlight, downMs, exitCode });
      log(
        `${options.interruption} #${stop} after ${handled} handled: ${inFlight} in flight, down ${downMs.toFixed(0)} ms`,
      );
    }
    await feeder;
    await emulator.waitForIdle({ timeoutMs: 60_000 });
    await server.drain();
    const pendingAfterIdle = emulator.webhookInfo().pending_update_count;
    const durationMs = performance.now() - started;
    const lastExit = await server.stop();
    outputs.push(server.output());
    server = undefined;

    const sent = stream.keys();
    const events = readEvents(eventsFile);
    const account = accountRestarts(events, {
      sent,
      inFlightAtKill,
      allowLossAfterEarlyAnswer: options.interruption === "kill",
    });
    if (process.env.TELEHOOK_RELIABILITY_DEBUG) {
      const real = (emulated: number) => Math.round(clockAt.real + (emulated - clockAt.emulated) * timeScale);
      console.log("stops at", stopTimes);
      for (const id of account.duplicateIds.slice(0, 8)) {
        console.log(
          `duplicate ${id}`,
          emulator.deliveries
            .filter((r) => r.updateId === id)
            .map(
              (r) =>
                `${r.attempt}:${r.outcome}:${r.status ?? r.error}@${real(r.startedAt)}-${real(r.finishedAt)}`,
            ),
          events
            .filter((e) => e.id === id || e.code === "P" || e.code === "C")
            .map((e) => `${e.code}${e.code === "P" || e.code === "C" ? e.fields.join(",") : ""}@${e.at}`),
        );
      }
    }
    const violations = [...account.violations];
    const delivered = new Map<number, number>();
    let refused = 0;
    let cut = 0;
    let status503 = 0;
    let otherFailures = 0;
    for (const record of emulator.deliveries) {
      if (record.outcome === "delivered")
        delivered.set(record.updateId, (delivered.get(record.updateId) ?? 0) + 1);
      else if (record.outcome === "dropped")
        violations.push(`emulator: update ${record.updateId} was dropped (${record.dropReason})`);
      else if (record.status === 503) status503++;
      else if (record.error === "Connection refused") refused++;
      else if (record.status === undefined) cut++;
      else {
        otherFailures++;
        violations.push(`emulator: update ${record.updateId} got ${record.status} ${record.error ?? ""}`);
      }
    }
    for (const [id] of sent) {
      const count = delivered.get(id) ?? 0;
      if (count !== 1) violations.push(`emulator: update ${id} was delivered ${count} times`);
    }
    if (pendingAfterIdle !== 0) violations.push(`emulator: ${pendingAfterIdle} updates still pending`);
    if (lastExit !== 0) violations.push(`server: the last process exited with ${lastExit} after SIGTERM`);
    for (const stop of stops) {
      if (options.interruption === "graceful" && stop.exitCode !== 0) {
        violations.push(`server: process ${stop.pid} exited with ${stop.exitCode} after SIGTERM`);
      }
    }
    for (const crash of watch.stop()) violations.push(`test process: ${crash}`);
    return {
      adapter: options.adapter,
      interruption: options.interruption,
      seed: options.seed,
      updates: options.updates,
      durationMs,
      stops,
      account,
      inFlightAtKill: inFlightAtKill.size,
      emulator: {
        delivered: [...delivered.values()].reduce((a, b) => a + b, 0),
        refused,
        cut,
        status503,
        otherFailures,
        pendingAfterIdle,
      },
      violations,
    };
  } catch (error) {
    if (server) outputs.push(server.output());
    const output = outputs.filter(Boolean).join("\n");
    throw new Error(`${(error as Error).message}${output ? `\n--- server output ---\n${output}` : ""}`, {
      cause: error,
    });
  } finally {
    feeding = false;
    await feeder?.catch(() => {});
    watch.stop();
    await server?.kill();
    await emulator?.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

export function describeRestartRun(report: RestartRunReport): string {
  const { account, emulator } = report;
  return [
    `${report.adapter}, ${report.interruption === "kill" ? "SIGKILL" : "SIGTERM + close()"} ×${report.stops.length}: seed ${report.seed}, ${report.updates} updates in ${(report.durationMs / 1000).toFixed(1)} s over ${account.processes} server processes`,
    ...report.stops.map(
      (stop, index) =>
        `  stop ${index + 1}: after ${stop.afterHandled} handled; ${stop.inFlight} deliveries in flight; new process listening ${stop.downMs.toFixed(0)} ms later${stop.exitCode === null ? "" : `; exit code ${stop.exitCode}`}`,
    ),
    `  handled ${account.handled}/${report.updates}; handled twice ${account.duplicateIds.length} (allowed: in flight at a kill, ${report.inFlightAtKill}); runs cut short by a stop ${account.cutShort}, of which answered early ${account.answeredEarlyThenKilled}; lost after an early answer ${account.lostAfterEarlyAnswer.length}`,
    `  emulator: ${emulator.delivered} delivered, ${emulator.refused} refused, ${emulator.cut} cut, ${emulator.status503} × 503 while closing, ${emulator.pendingAfterIdle} pending`,
    `  violations: ${report.violations.length === 0 ? "none" : report.violations.length}`,
  ].join("\n");
}
