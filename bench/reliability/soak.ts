/**
 * The reliability soak: the load-and-faults run of `e2e/test/reliability` at full size (100,000 updates over
 * 1,000 chats by default), with the heap of the server process measured every 10,000 updates.
 *
 * Run it from the repository root (it runs the packages' TypeScript sources through tsx, like the tests):
 *
 *   node --conditions=@telehook/source --import tsx bench/reliability/soak.ts [options]
 *     --updates N      updates to send (default 100000)
 *     --chats N        chats to spread them over (default 1000)
 *     --adapter NAME   a host of @telehook/hosts (express, express 4, hono, koa, node, fastify, fastify 4,
 *                      aws-lambda) or all (default express)
 *     --seed N         the fault plan's seed (default: fresh; TELEHOOK_RELIABILITY_SEED works too)
 *     --out FILE       also write the Markdown report there
 *     --json           print the result as one JSON line (prefixed "SOAK ") instead of Markdown
 *
 * Exit code 0 when every check held, 1 when one did not (the report says which), 2 on a usage error.
 * From code (under tsx or another TypeScript loader): `await runReliabilitySoak({ updates, chats })`.
 */
import { writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { HOST_NAMES } from "@telehook/hosts";
import {
  describeLoadRun,
  type LoadRunReport,
  mb,
  runLoad,
} from "../../e2e/test/reliability/support/load-run.js";
import { runSeed } from "../../e2e/test/reliability/support/seeded-random.js";
import type { Adapter } from "../../e2e/test/reliability/support/webhook-server.js";

/** Every host of `@telehook/hosts` (e2e/hosts), the list every harness reads. */
const ADAPTERS: readonly Adapter[] = HOST_NAMES;

/** Heap growth allowed from the first measurement after the dedupe window (10,000 ids) is full to the end. */
const PLATEAU_TOLERANCE_BYTES = 8 * 1024 * 1024;

export interface SoakOptions {
  /** @default 100000 */
  readonly updates?: number;
  /** @default 1000 */
  readonly chats?: number;
  /** @default ["express"] */
  readonly adapters?: readonly Adapter[];
  /** @default a fresh seed, or TELEHOOK_RELIABILITY_SEED */
  readonly seed?: number;
  /** Heap checkpoint interval. @default 10000 */
  readonly checkpointEvery?: number;
  /** Progress lines. @default console.error */
  readonly log?: (line: string) => void;
}

/** One adapter's soak: the run's report and what failed. */
export interface SoakRun {
  readonly report: LoadRunReport;
  /** Every check that did not hold: empty when the run is valid. */
  readonly problems: readonly string[];
  /** Heap growth from the first checkpoint with a full dedupe window to the end, bytes (null: run too short). */
  readonly plateauGrowth: number | null;
}

export interface SoakResult {
  readonly seed: number;
  readonly valid: boolean;
  readonly runs: readonly SoakRun[];
  /** The report as Markdown, for RESULTS.md-style output. */
  readonly markdown: string;
}

/**
 * Runs the soak for each adapter and checks what the CI-sized tests check — every update handled once or
 * dead-lettered once as the policy says, nothing lost, per-chat order, no crash, the emulator idle with
 * nothing pending, no read timeout after the warm-up — plus a heap that stops growing once telehook's
 * bounded dedupe window is full. Never throws for a failed check: `valid` is false and `problems` say why.
 */
export async function runReliabilitySoak(options: SoakOptions = {}): Promise<SoakResult> {
  const updates = options.updates ?? 100_000;
  const chats = options.chats ?? 1_000;
  const seed = options.seed ?? runSeed();
  const log = options.log ?? ((line: string) => console.error(line));
  const checkpointEvery = options.checkpointEvery ?? 10_000;
  const runs: SoakRun[] = [];
  log(`soak: seed ${seed}, ${updates} updates over ${chats} chats`);
  for (const adapter of options.adapters ?? ["express"]) {
    const report = await runLoad({
      adapter,
      updates,
      chats,
      seed,
      checkpointEvery,
      window: 5000,
      warmup: Math.min(2000, Math.max(200, Math.floor(updates / 10))),
      log: (line) => log(`soak: ${line}`),
    });
    const problems = [...report.violations];
    if (report.account.duplicates !== 0) problems.push(`${report.account.duplicates} duplicates`);
    if (report.account.handled + report.account.deadLetters !== updates) {
      problems.push(
        `handled ${report.account.handled} + dead letters ${report.account.deadLetters} ≠ ${updates}`,
      );
    }
    if (report.emulator.readTimeouts !== 0) {
      problems.push(`${report.emulator.readTimeouts} deliveries timed out at Telegram after the warm-up`);
    }
    const full = report.heap.checkpoints.find(
      (point) => point.afterUpdates >= report.heap.baseline.afterUpdates + 10_000,
    );
    const plateauGrowth = full ? report.heap.final.heapUsed - full.heapUsed : null;
    if (plateauGrowth !== null && plateauGrowth > PLATEAU_TOLERANCE_BYTES) {
      problems.push(`the heap kept growing: ${mb(plateauGrowth)} after the dedupe window was full`);
    }
    log(describeLoadRun(report));
    runs.push({ report, problems, plateauGrowth });
  }
  const valid = runs.every((run) => run.problems.length === 0);
  return { seed, valid, runs, markdown: renderMarkdown(seed, runs) };
}

function renderMarkdown(seed: number, runs: readonly SoakRun[]): string {
  const lines = [
    "## Reliability soak",
    "",
    `Seed ${seed} (\`--seed ${seed}\` replays the same fault plan). Faults on top of the load: handlers that throw, reject or outlast the deadline (some outlast Telegram's too), connections reset before, during and after a request. \`node --conditions=@telehook/source --import tsx bench/reliability/soak.ts\`.`,
    "",
    "| Adapter | Updates | Chats | Time after warm-up | Handled | Dead letters | Duplicates | Lost | Deliveries (500 / reset / timeout) | Heap baseline → end | Valid |",
    "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- | --- |",
  ];
  for (const { report, problems } of runs) {
    const { account, emulator, heap } = report;
    const lost = report.updates - account.handled - account.deadLetters;
    lines.push(
      `| ${report.adapter} | ${report.updates} | ${report.chatsUsed} | ${(report.durationMs / 1000).toFixed(1)} s | ${account.handled} | ${account.deadLetters} | ${account.duplicates} | ${lost} | ${emulator.attempts} (${emulator.status500} / ${emulator.connectionErrors} / ${emulator.readTimeouts}) | ${mb(heap.baseline.heapUsed)} → ${mb(heap.final.heapUsed)} | ${problems.length === 0 ? "yes" : `**no**: ${problems.slice(0, 3).join("; ")}`} |`,
    );
  }
  for (const { report, plateauGrowth } of runs) {
    lines.push(
      "",
      `**${report.adapter}, heap after GC by updates sent:** ${report.heap.checkpoints.map((point) => `${point.afterUpdates}: ${mb(point.heapUsed)}`).join(", ")} (${plateauGrowth === null ? "too short for the dedupe window of 10,000 ids to fill" : `after the dedupe window filled: ${plateauGrowth >= 0 ? "+" : ""}${mb(plateauGrowth)}`}).`,
    );
  }
  return `${lines.join("\n")}\n`;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      updates: { type: "string" },
      chats: { type: "string" },
      adapter: { type: "string" },
      seed: { type: "string" },
      out: { type: "string" },
      json: { type: "boolean", default: false },
    },
  });
  const positive = (value: string | undefined, name: string, minimum = 1): number | undefined => {
    if (value === undefined) return undefined;
    const n = Number(value);
    if (!Number.isSafeInteger(n) || n < minimum) {
      console.error(`soak: --${name} must be a whole number, at least ${minimum}`);
      process.exit(2);
    }
    return n;
  };
  const adapter = values.adapter ?? "express";
  if (adapter !== "all" && !ADAPTERS.includes(adapter as Adapter)) {
    console.error(`soak: --adapter must be one of ${ADAPTERS.join(", ")} or all`);
    process.exit(2);
  }
  const result = await runReliabilitySoak({
    updates: positive(values.updates, "updates"),
    chats: positive(values.chats, "chats"),
    adapters: adapter === "all" ? ADAPTERS : [adapter as Adapter],
    seed: positive(values.seed, "seed", 0),
  });
  if (values.out) writeFileSync(values.out, result.markdown);
  if (values.json) {
    console.log(
      `SOAK ${JSON.stringify({ seed: result.seed, valid: result.valid, runs: result.runs.map(({ report, problems, plateauGrowth }) => ({ ...report, problems, plateauGrowth })) })}`,
    );
  } else {
    console.log(result.markdown);
  }
  process.exitCode = result.valid ? 0 : 1;
}

if (process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href) {
  await main();
}
