import { readdirSync, rmSync, writeFileSync } from "node:fs";
import { loadavg } from "node:os";
import { dirname, join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { BENCH_ROOT, killAllChildren, messageOfType, RUN_MODE, startChild } from "./child.js";
import type { CorePipelineResult } from "./core-pipeline.js";
import type { EmulatorOutcome } from "./emulator-throughput.js";
import type { RedisCounter } from "./http/bench-http.js";
import {
  FRAMEWORKS,
  type Framework,
  type HttpOptions,
  InvalidBenchmarkError,
  measureHttp,
  PROFILE_DIR,
  profileBareAndTelehook,
} from "./http/bench-http.js";
import { type InstructionsOptions, measureInstructions } from "./http/bench-instructions.js";
import { machineInfo } from "./machine.js";
import type { MemoryResult } from "./memory.js";
import { summarizeProfile } from "./profile.js";
import { type BenchResults, type HttpProfilePair, renderReport, targetsOf } from "./report.js";
import type { SecretTimingResult } from "./secret-timing.js";

const SECTIONS = ["http", "core", "memory", "emulator", "secret-timing", "instructions"] as const;
type Section = (typeof SECTIONS)[number];
/** The sections a run without `--sections` measures: instructions need valgrind and take minutes each. */
const DEFAULT_SECTIONS = SECTIONS.filter((name) => name !== "instructions");

const USAGE = `Usage: node bench/dist/main.js [options]   (pnpm bench builds first, then runs this)
  --quick                  a tiny run that only checks the bench works (the smoke test uses it)
  --sections LIST          comma-separated: ${SECTIONS.join(",")} (default: all but instructions,
                           which counts instructions per request under valgrind, a few minutes per framework)
  --frameworks LIST        comma-separated: ${FRAMEWORKS.join(",")} (default: all)
  --rounds N               HTTP rounds per server (default 7)
  --seconds S              HTTP round length in seconds (default 4)
  --slices N               turns a framework's servers take within each HTTP round (default 4)
  --connections N          HTTP connections (default 50)
  --amount N               fixed HTTP requests per round instead of calibrating to --seconds
  --instructions-requests N  requests per counted round in the instructions section (default 5000; 3 rounds
                           after a warm-up of 20000)
  --memory-updates N       updates through the handler in the memory section (default 1000000)
  --emulator-updates N     updates the emulator delivers (default 20000), over --emulator-chats (1000)
  --out FILE               also write the report there (pnpm bench writes bench/RESULTS.md)
  --no-profile             do not profile missed targets
  --no-redis               do not measure express with the Redis store (it needs redis-server on PATH or
                           TELEHOOK_REDIS_URL; without them its row says why it was not measured)
  --profile                profile every measured framework and the core, missed or not
  --emulator-unavailable R report the emulator section as not measured, because of R
  --load-before-build L    the 1/5/15-minute load averages before the build, comma-separated (run.mjs)
  --wrong-secret           send a wrong secret: the run must fail its validity checks (tests the checks)
  --same-update-id         send one update_id in every request: the run must fail them too`;

const { values } = parseArgs({
  options: {
    quick: { type: "boolean", default: false },
    sections: { type: "string" },
    frameworks: { type: "string" },
    rounds: { type: "string" },
    seconds: { type: "string" },
    slices: { type: "string" },
    connections: { type: "string" },
    amount: { type: "string" },
    "instructions-requests": { type: "string" },
    "memory-updates": { type: "string" },
    "emulator-updates": { type: "string" },
    "emulator-chats": { type: "string" },
    out: { type: "string" },
    "no-profile": { type: "boolean", default: false },
    profile: { type: "boolean", default: false },
    "emulator-unavailable": { type: "string" },
    "load-before-build": { type: "string" },
    "wrong-secret": { type: "boolean", default: false },
    "same-update-id": { type: "boolean", default: false },
    "no-redis": { type: "boolean", default: false },
    help: { type: "boolean", default: false },
  },
});
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}

const quick = values.quick;
const number = (value: string | undefined, fallback: number) => {
  if (value === undefined) return fallback;
  const parsed = Number(value);
  if (!Number.isFinite(parsed) || parsed <= 0) throw new Error(`not a positive number: ${value}\n${USAGE}`);
  return parsed;
};
const list = <T extends string>(
  value: string | undefined,
  all: readonly T[],
  fallback: readonly T[],
): T[] => {
  if (value === undefined) return [...fallback];
  const items = value.split(",").map((item) => item.trim()) as T[];
  for (const item of items) if (!all.includes(item)) throw new Error(`unknown: ${item}\n${USAGE}`);
  return items;
};
const sections = new Set(list<Section>(values.sections, SECTIONS, DEFAULT_SECTIONS));
const httpOptions: HttpOptions = {
  frameworks: list<Framework>(values.frameworks, FRAMEWORKS, quick ? ["express"] : FRAMEWORKS),
  rounds: number(values.rounds, quick ? 1 : 7),
  roundSeconds: number(values.seconds, quick ? 1 : 4),
  slices: number(values.slices, quick ? 1 : 4),
  connections: number(values.connections, quick ? 8 : 50),
  amount: values.amount !== undefined ? number(values.amount, 0) : quick ? 400 : undefined,
  warmupRequests: quick ? 200 : 3000,
  wrongSecret: values["wrong-secret"],
  sameUpdateId: values["same-update-id"],
};
const instructionsOptions: InstructionsOptions = {
  frameworks: httpOptions.frameworks,
  warmupRequests: quick ? 200 : 20_000,
  requests: number(values["instructions-requests"], quick ? 100 : 5000),
  rounds: quick ? 1 : 3,
  connections: httpOptions.connections,
};
const REPO_ROOT = dirname(BENCH_ROOT);
// A watchdog: the bench must end on its own, whatever hangs. A standard run takes about 10 minutes, and
// up to twice that when the virtual machine's host is busy; counting instructions adds up to 10 minutes per
// framework (Express, the slowest, under valgrind).
const instructionsMinutes = sections.has("instructions")
  ? (quick ? 2 : 10) * httpOptions.frameworks.length
  : 0;
const watchdog = setTimeout(
  () => {
    console.error("bench: the run took more than its time limit; stopping.");
    killAllChildren();
    process.exit(1);
  },
  ((quick ? 2 : 25) + instructionsMinutes) * 60_000,
);
watchdog.unref();

const log = (line: string) => console.error(line);

async function section<T>(
  name: string,
  options: object,
  timeoutMs: number,
  execArgv: string[] = [],
): Promise<T> {
  const child = startChild("section-child", { args: [name, JSON.stringify(options)], execArgv });
  try {
    const message = await child.next(
      messageOfType<{ type: "result"; result: T }>("result"),
      timeoutMs,
      `the ${name} result`,
    );
    return message.result;
  } finally {
    await child.exited(10_000);
  }
}

/**
 * A redis-server on loopback for express/telehook with the Redis store (`@telehook/testing/redis-server`:
 * redis-server from PATH, or TELEHOOK_REDIS_URL), with a client that counts the commands it processed; or
 * why there is none.
 */
async function startBenchRedis(): Promise<
  { url: string; counter: RedisCounter; stop(): Promise<void> } | { reason: string }
> {
  try {
    const { startTestRedis } = await import("@telehook/testing/redis-server");
    const { Redis } = await import("ioredis");
    const server = await startTestRedis();
    const admin = new Redis(server.url);
    const counter: RedisCounter = {
      async roundTrips() {
        // EVALSHA and EVAL as the clients sent them (INFO's total_commands_processed also counts the
        // commands the scripts run inside Redis, which are no round trips).
        const info = await admin.info("commandstats");
        let sent = 0;
        for (const match of info.matchAll(/^cmdstat_(?:evalsha|eval):calls=(\d+).*?rejected_calls=(\d+)/gm)) {
          sent += Number(match[1]) + Number(match[2]);
        }
        return sent;
      },
    };
    log(`bench: Redis store on ${server.own ? "a redis-server of its own" : "TELEHOOK_REDIS_URL"}`);
    return {
      url: server.url,
      counter,
      async stop() {
        admin.disconnect();
        await server.stop();
      },
    };
  } catch (error) {
    const reason = (error as Error).message;
    log(`bench: the Redis store is not measured: ${reason}`);
    return { reason };
  }
}

async function main(): Promise<number> {
  const started = performance.now();
  const machine = machineInfo(values["load-before-build"]?.split(",").map(Number));
  log(
    `bench: ${machine.cpu}, ${machine.cores} cores, Node ${machine.node}, load ${machine.loadAtStart[0]?.toFixed(2)}`,
  );
  if (RUN_MODE === "source") log("bench: running TypeScript sources through tsx; the numbers mean nothing.");
  const results: {
    -readonly [K in keyof BenchResults]: BenchResults[K];
  } = { machine, mode: RUN_MODE, httpProfiles: [], loadAtEnd: [], seconds: 0 };

  if (sections.has("http")) {
    log(`bench: HTTP (${httpOptions.frameworks.join(", ")})`);
    // The validity controls (--wrong-secret, --same-update-id) stop at the first warm-up: no Redis for them.
    const control = httpOptions.wrongSecret === true || httpOptions.sameUpdateId === true;
    const wanted = httpOptions.frameworks.includes("express") && !control && !values["no-redis"];
    const redis = wanted ? await startBenchRedis() : undefined;
    try {
      const options: HttpOptions = {
        ...httpOptions,
        ...(redis && "url" in redis
          ? { redis }
          : { redisUnavailable: redis?.reason ?? "not asked for (--no-redis, or a validity control run)" }),
      };
      results.http = { options, ...(await measureHttp(options, log)) };
    } finally {
      if (redis && "url" in redis) await redis.stop();
    }
  }
  if (sections.has("core")) {
    log("bench: core pipeline");
    results.core = await section<CorePipelineResult>(
      "core",
      quick ? { slices: 10, perSlice: 200 } : { slices: 200, perSlice: 1000 },
      240_000,
    );
  }
  if (sections.has("memory")) {
    const updates = number(values["memory-updates"], quick ? 20_000 : 1_000_000);
    log(`bench: memory (${updates} updates)`);
    results.memory = await section<MemoryResult>(
      "memory",
      { updates, sampleEvery: Math.max(1000, Math.round(updates / 20)) },
      240_000,
      ["--expose-gc"],
    );
  }
  if (sections.has("emulator")) {
    const reason = values["emulator-unavailable"];
    if (reason !== undefined) {
      results.emulator = { available: false, reason };
    } else {
      const updates = number(values["emulator-updates"], quick ? 2000 : 20_000);
      const chats = number(values["emulator-chats"], quick ? 100 : 1000);
      log(`bench: emulator (${updates} updates over ${chats} chats)`);
      results.emulator = await section<EmulatorOutcome>("emulator", { updates, chats }, 180_000);
    }
  }
  if (sections.has("secret-timing")) {
    log("bench: secret timing");
    results.secretTiming = await section<SecretTimingResult>(
      "secret-timing",
      quick ? { samples: 200, batch: 16 } : { samples: 4000, batch: 64 },
      180_000,
    );
  }

  if (sections.has("instructions")) {
    log(`bench: instructions per request under callgrind (${instructionsOptions.frameworks.join(", ")})`);
    results.instructions = await measureInstructions(instructionsOptions, log);
  }

  if (!values["no-profile"]) Object.assign(results, await profileMisses(results));
  results.loadAtEnd = loadavg();
  results.seconds = (performance.now() - started) / 1000;

  const report = renderReport(results);
  console.log(report);
  if (values.out !== undefined) {
    writeFileSync(resolve(values.out), report);
    log(`bench: wrote ${values.out}`);
  }
  const memoryFailed = (results.memory?.failures.length ?? 0) > 0;
  if (memoryFailed) log("bench: FAILED: the heap grew without bound (see Memory).");
  const misses = targetsOf(results).filter((target) => !target.pass);
  log(misses.length === 0 ? "bench: every target PASS" : `bench: ${misses.length} target(s) MISS`);
  return memoryFailed ? 1 : 0;
}

/**
 * For each framework with a missed target, profiles its bare route and its telehook server over one round
 * each; if the core missed its target, profiles the pipeline alone.
 */
async function profileMisses(
  results: BenchResults,
): Promise<Pick<BenchResults, "httpProfiles" | "coreProfile">> {
  const httpProfiles: HttpProfilePair[] = [];
  const toProfile = targetsOf(results).filter((target) => !target.pass || values.profile);
  const frameworks = new Set(toProfile.flatMap((target) => (target.framework ? [target.framework] : [])));
  for (const framework of frameworks) {
    const measured = results.http?.frameworks.find((result) => result.framework === framework);
    if (!measured) continue;
    log(`bench: profiling ${framework} (a target was missed)`);
    const amounts = { bare: measured.servers.bare.amount, telehook: measured.servers.telehook.amount };
    httpProfiles.push({
      framework,
      ...(await profileBareAndTelehook(framework, amounts, httpOptions, REPO_ROOT, quick ? 1 : 3)),
    });
  }
  if (!toProfile.some((target) => target.core)) return { httpProfiles };
  log("bench: profiling the core pipeline (its target was missed)");
  const dir = join(PROFILE_DIR, "core");
  rmSync(dir, { recursive: true, force: true });
  const options = quick ? { slices: 10, perSlice: 200 } : { slices: 100, perSlice: 1000 };
  await section("core", { ...options, variants: ["pipeline", "pipeline-stream"] }, 120_000, [
    "--cpu-prof",
    `--cpu-prof-dir=${dir}`,
    "--cpu-prof-interval=250",
  ]);
  const file = readdirSync(dir).find((name) => name.endsWith(".cpuprofile"));
  if (!file) throw new Error("the core pipeline's CPU profile was not written");
  return {
    httpProfiles,
    coreProfile: {
      file: join(dir, file),
      requests: 2 * options.perSlice * (options.slices + Math.max(1, Math.round(options.slices / 10))),
      summary: summarizeProfile(join(dir, file), REPO_ROOT),
    },
  };
}

main().then(
  (code) => {
    clearTimeout(watchdog);
    process.exitCode = code;
  },
  (error: unknown) => {
    killAllChildren();
    if (error instanceof InvalidBenchmarkError || String(error).includes("INVALID")) {
      const message = error instanceof Error ? error.message : String(error);
      console.error(`\nbench: ${message}\nbench: the benchmark is INVALID; no results were written.`);
    } else {
      console.error("\nbench: failed:", error);
    }
    process.exitCode = 1;
  },
);
