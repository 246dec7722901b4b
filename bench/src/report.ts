import type { CorePipelineResult } from "./core-pipeline.js";
import { EMULATOR_TARGET_PER_SECOND, type EmulatorOutcome } from "./emulator-throughput.js";
import type {
  Framework,
  HttpFrameworkResult,
  HttpOptions,
  HttpResults,
  HttpRound,
  HttpServerResult,
  ServerProfile,
} from "./http/bench-http.js";
import type { InstructionsOutcome } from "./http/bench-instructions.js";
import type { MachineInfo } from "./machine.js";
import { MAX_HEAP_GROWTH, MAX_SECOND_HALF_GROWTH, type MemoryResult } from "./memory.js";
import type { SelfTime } from "./profile.js";
import type { SecretTimingResult, TimingComparison } from "./secret-timing.js";

/** Everything one run measured. */
export interface BenchResults {
  readonly machine: MachineInfo;
  readonly mode: "dist" | "source";
  readonly http?: { readonly options: HttpOptions } & HttpResults;
  readonly core?: CorePipelineResult;
  readonly memory?: MemoryResult;
  readonly emulator?: EmulatorOutcome;
  readonly secretTiming?: SecretTimingResult;
  /** Instructions per request under callgrind, when the run asked for them. */
  readonly instructions?: InstructionsOutcome;
  /** For each framework with a missed target: its bare route and telehook server, profiled alike. */
  readonly httpProfiles: readonly HttpProfilePair[];
  /** The core pipeline alone, profiled, when its target was missed. */
  readonly coreProfile?: ServerProfile;
  readonly loadAtEnd: readonly number[];
  readonly seconds: number;
}

export interface HttpProfilePair {
  readonly framework: Framework;
  readonly bare: ServerProfile;
  readonly telehook: ServerProfile;
}

/** A target of the issue and how this run did against it. */
export interface TargetOutcome {
  readonly target: string;
  readonly measured: string;
  readonly pass: boolean;
  /** How far the measure wandered (per round, per slice): a verdict inside that range is not firm. */
  readonly spread?: string;
  /** For a missed HTTP target: the framework whose telehook server to profile. */
  readonly framework?: Framework;
  readonly core?: true;
}

/** Each adapter against its bare route, and against grammY. */
export const BARE_TARGET = 0.95;
export const GRAMMY_TARGETS: Readonly<Record<Framework, number>> = {
  express: 1.2,
  hono: 2,
  koa: 1.5,
  node: 1,
  fastify: 1,
};
export const CORE_TARGET = 1.5;

export function targetsOf(results: BenchResults): TargetOutcome[] {
  const targets: TargetOutcome[] = [];
  for (const result of results.http?.frameworks ?? []) {
    const { framework } = result;
    targets.push({
      target: `${framework}: telehook ≥ ${BARE_TARGET}× the bare route's req/s`,
      measured: times(result.telehookOverBare),
      spread: `rounds ${range(result.pairedOverBare)}`,
      pass: result.telehookOverBare >= BARE_TARGET,
      framework,
    });
    const goal = GRAMMY_TARGETS[framework] ?? 1;
    targets.push({
      target: `${framework}: telehook ≥ ${goal}× grammY's req/s`,
      measured: times(result.telehookOverGrammy),
      spread: `rounds ${range(result.pairedOverGrammy)}`,
      pass: result.telehookOverGrammy >= goal,
      framework,
    });
  }
  for (const result of results.http?.frameworks ?? []) {
    const redis = result.redisStore;
    if (!redis) continue;
    targets.push({
      target: `${result.framework}: the Redis store ≤ ${REDIS_ROUND_TRIPS_TARGET} round trips per update`,
      measured: redis.roundTripsPerUpdate.toFixed(2),
      pass: redis.roundTripsPerUpdate <= REDIS_ROUND_TRIPS_TARGET,
    });
    targets.push({
      target: `${result.framework}: the Redis store ≥ ${REDIS_OVER_MEMORY_TARGET}× the memory store's req/s`,
      measured: times(redis.overMemory),
      spread: `rounds ${range(redis.pairedOverMemory)}`,
      pass: redis.overMemory >= REDIS_OVER_MEMORY_TARGET,
    });
  }
  if (results.core) {
    targets.push({
      target: `core pipeline ≤ ${CORE_TARGET}× a bare JSON.parse`,
      measured: times(results.core.ratio),
      spread: `slices ${results.core.ratioQuartiles.map((r) => r.toFixed(2)).join("–")} (25th–75th)`,
      pass: results.core.ratio <= CORE_TARGET,
      core: true,
    });
  }
  if (results.memory) {
    const { memory } = results;
    targets.push({
      target: `memory: ${memory.updates.toLocaleString("en")} updates with dedup, heap peak − baseline ≤ ${mib(MAX_HEAP_GROWTH)} MiB, flat in the second half`,
      measured: `+${mib(memory.peak - memory.baseline)} MiB peak, ${signedMib(memory.secondHalfGrowth)} MiB over the second half`,
      pass: memory.failures.length === 0,
    });
  }
  if (results.emulator?.available) {
    targets.push({
      target: `emulator ≥ ${EMULATOR_TARGET_PER_SECOND.toLocaleString("en")} updates/s`,
      measured: `${Math.round(results.emulator.updatesPerSecond).toLocaleString("en")}/s`,
      pass: results.emulator.updatesPerSecond >= EMULATOR_TARGET_PER_SECOND,
    });
  }
  if (results.secretTiming) {
    const { prefix, control, length, lengthControl } = results.secretTiming;
    targets.push({
      target: "secret check: rejection time independent of the matching prefix",
      measured: `Δ ${prefix.medianDiffNs.toFixed(1)} ns, t = ${prefix.t.toFixed(1)} (control: Δ ${control.medianDiffNs.toFixed(0)} ns, t = ${control.t.toFixed(1)})`,
      pass: !prefix.dependent,
    });
    targets.push({
      target: "secret check: rejection time independent of the received length",
      measured: `Δ ${length.medianDiffNs.toFixed(1)} ns, t = ${length.t.toFixed(1)} (control: Δ ${lengthControl.medianDiffNs.toFixed(0)} ns, t = ${lengthControl.t.toFixed(1)})`,
      pass: !length.dependent,
    });
  }
  return targets;
}

/** The whole report as Markdown: what `pnpm bench` prints and writes to bench/RESULTS.md. */
export function renderReport(results: BenchResults): string {
  const { machine } = results;
  const out: string[] = [];
  out.push("# telehook benchmarks", "");
  out.push(
    "Written by `pnpm bench` (bench/src/main.ts). Every figure below comes from the same run; ratios compare",
    "numbers measured side by side, never with another run.",
    "",
  );
  out.push("## Machine and run", "");
  out.push(
    table(
      ["", ""],
      [
        ["CPU", `${machine.cpu}, ${machine.cores} cores`],
        ["RAM", `${machine.memoryGiB} GiB`],
        ["Node.js", `${machine.node} (${machine.platform})`],
        ["Date", machine.date],
        ["Commit", machine.commit],
        ...(machine.loadBeforeBuild
          ? [["Load average before the build (1/5/15 min)", loads(machine.loadBeforeBuild)]]
          : []),
        ["Load average when measuring started", loads(machine.loadAtStart)],
        ["Quiet machine", quiet(machine)],
        ["Load average at the end (the bench's own processes count)", loads(results.loadAtEnd)],
        ...(results.http
          ? [
              ["Other processes during the HTTP rounds", othersDuringHttp(results.http)],
              ["CPU stolen by the hypervisor during the HTTP rounds", stolenDuringHttp(results.http)],
            ]
          : []),
        [
          "Code measured",
          results.mode === "dist"
            ? "built dist (tsup) of every package"
            : "TypeScript sources via tsx (smoke run: numbers are meaningless)",
        ],
        ["Duration", `${Math.round(results.seconds)} s`],
        [
          "Versions",
          Object.entries(machine.versions)
            .map(([name, version]) => `${name} ${version}`)
            .join(", "),
        ],
      ],
    ),
    "",
  );

  const targets = targetsOf(results);
  out.push("## Targets", "");
  out.push(
    table(
      ["Target", "Measured", "", "Spread"],
      targets.map((t) => [t.target, t.measured, t.pass ? "PASS" : "MISS", t.spread ?? ""]),
    ),
    "",
    "Spread: the lowest and highest per-round ratio (HTTP), or the middle half of the per-slice ratios " +
      "(core). A shared virtual machine's speed drifts from second to second; a verdict whose spread " +
      "straddles the target is not firm.",
    "",
  );
  if (results.emulator && !results.emulator.available) {
    out.push(`Emulator: not measured — ${results.emulator.reason}.`, "");
  }

  if (results.http) out.push(...renderHttp(results.http.options, results.http));
  if (results.core) out.push(...renderCore(results.core));
  if (results.memory) out.push(...renderMemory(results.memory));
  if (results.emulator) out.push(...renderEmulator(results.emulator));
  if (results.secretTiming) out.push(...renderSecretTiming(results.secretTiming));
  if (results.instructions) out.push(...renderInstructions(results.instructions, results.http));
  if (results.httpProfiles.length > 0 || results.coreProfile) {
    out.push(...renderProfiles(results.httpProfiles, results.coreProfile, results.http));
  }
  return `${out.join("\n").trimEnd()}\n`;
}

/** Target for the Redis store: round trips per update, at most. */
export const REDIS_ROUND_TRIPS_TARGET = 2;
/** Target for the Redis store: its req/s over the memory store's, at least. */
export const REDIS_OVER_MEMORY_TARGET = 0.7;

/** Express with the Redis store beside the memory store, or why it was not measured. */
function renderRedisStore(options: HttpOptions, frameworks: readonly HttpFrameworkResult[]): string[] {
  const out = ["### Express with the Redis store (`@telehook/redis`)", ""];
  const measured = frameworks.find((result) => result.redisStore)?.redisStore;
  if (!measured) {
    out.push(`Not measured: ${options.redisUnavailable ?? "Express was not among the frameworks"}.`, "");
    return out;
  }
  const { server } = measured;
  out.push(
    "express/telehook again, with `store: createRedisStore({ client: new Redis(url) })` (ioredis, defaults) " +
      "on a redis-server of its own on 127.0.0.1 (no persistence), measured in the same interleaved rounds. " +
      "Round trips: the EVALSHA and EVAL commands Redis received during the round (INFO commandstats, " +
      "calls and rejected calls; the store sends nothing else, and the commands its scripts run inside " +
      "Redis are no round trips) over the updates.",
    "",
    table(
      [
        "Server",
        "req/s",
        "p50 ms",
        "p99 ms",
        "server CPU µs/req",
        "Redis round trips / update",
        "× memory store",
        "× memory per round",
      ],
      [
        [
          "express/telehook, Redis store",
          Math.round(server.requestsPerSecond).toLocaleString("en"),
          server.p50.toFixed(2),
          server.p99.toFixed(2),
          server.serverCpuMicros.toFixed(1),
          measured.roundTripsPerUpdate.toFixed(2),
          times(measured.overMemory),
          measured.pairedOverMemory.map((r) => r.toFixed(2)).join(", "),
        ],
      ],
    ),
    "",
    "Server CPU µs/req is the Node process's only; redis-server's own CPU is not in it.",
    "",
  );
  return out;
}

function slicesShare(slices: number): string {
  return slices === 1 ? "all" : `1/${slices}`;
}

function renderHttp(options: HttpOptions, { frameworks, pinned }: HttpResults): string[] {
  const out = ["## HTTP: telehook's adapters beside a bare route and grammY", ""];
  out.push(
    `Each server runs in its own process on 127.0.0.1; autocannon loads it from the bench process over ` +
      `${options.connections} keep-alive connections with the ~1 KB update, the secret header and ` +
      "`Content-Type: application/json`. Every request carries its own update_id (autocannon `setupRequest` " +
      "builds each body), so telehook's dedupe never answers from its cache. Every server is warmed up with " +
      `${options.warmupRequests} requests, then a second warm-up sets the round's request count to last ` +
      `about ${options.roundSeconds} s; then ${options.rounds} rounds run. In a round, each framework's ` +
      `servers take ${options.slices} turns with ${slicesShare(options.slices)} of their requests each, the ` +
      "order reversed every other turn (bare, telehook, grammY, then grammY, telehook, bare, …), so that the " +
      "machine's drift within the round slows them alike; a server's round is all its requests over all its " +
      "turns' time. Each figure is the median of the rounds.",
    "",
    "- **bare**: the framework, its usual JSON body parsing (`express.json()`, `c.req.json()`, " +
      "`@koa/bodyparser`, Fastify's own parser, `JSON.parse` on node:http), a secret header check before the " +
      "body is read, counting the update.",
    "- **telehook**: `telegramWebhook({ secretToken, onUpdate })` mounted as the README shows, no body parser " +
      "(the host of `@telehook/hosts`, the list e2e and the reliability suite run).",
    "- **grammY**: `webhookCallback(bot, framework, { secretToken })` as grammY documents it (with " +
      "`express.json()` / `@koa/bodyparser` before it, which its adapters need), a `Bot` built with " +
      "`botInfo` and one middleware that counts the update.",
    "",
    pinned
      ? "autocannon (this process) runs on CPU 0 and every server on CPU 1 (`taskset`), so the scheduler " +
          "never puts the two on one core, which halves the rate of a round at random."
      : "**Not pinned to CPUs** (no taskset, or one CPU): the scheduler may put autocannon and the server on " +
          "one core in some rounds.",
    "",
    "Validity, checked after every round (warm-ups included): autocannon saw 0 errors, 0 timeouts, 0 non-2xx; " +
      "exactly as many 200s as requests; and the server's handler counted exactly that many updates (asked " +
      "over IPC). A round that fails any check stops the run.",
    "",
  );
  const rows: string[][] = [];
  for (const result of frameworks) {
    for (const server of Object.values(result.servers) as HttpServerResult[]) {
      const bare = result.servers.bare.requestsPerSecond;
      const grammy = result.servers.grammy.requestsPerSecond;
      rows.push([
        result.framework,
        server.variant,
        Math.round(server.requestsPerSecond).toLocaleString("en"),
        server.p50.toFixed(2),
        server.p99.toFixed(2),
        server.serverCpuMicros.toFixed(1),
        `${mib(server.rss)} / ${mib(server.maxRss)}`,
        times(server.requestsPerSecond / bare),
        times(server.requestsPerSecond / grammy),
      ]);
    }
  }
  out.push(
    table(
      [
        "Framework",
        "Server",
        "req/s",
        "p50 ms",
        "p99 ms",
        "server CPU µs/req",
        "RSS MiB (end / peak)",
        "× bare",
        "× grammY",
      ],
      rows,
    ),
    "",
  );
  out.push("Round by round (telehook's req/s over the other server's in the same round):", "");
  out.push(
    table(
      [
        "Framework",
        "× bare per round",
        "× grammY per round",
        "other processes' CPU per round",
        "CPU stolen by the hypervisor per round",
        "Requests per round (bare/telehook/grammY)",
      ],
      frameworks.map((result) => {
        const servers = [result.servers.bare, result.servers.telehook, result.servers.grammy];
        return [
          result.framework,
          result.pairedOverBare.map((r) => r.toFixed(2)).join(", "),
          result.pairedOverGrammy.map((r) => r.toFixed(2)).join(", "),
          result.servers.telehook.rounds
            .map((_, i) => percent(Math.max(...servers.map((s) => s.rounds[i]?.othersCpu ?? Number.NaN))))
            .join(", "),
          result.servers.telehook.rounds
            .map((_, i) => percent(Math.max(...servers.map((s) => s.rounds[i]?.stolenCpu ?? Number.NaN))))
            .join(", "),
          servers.map((s) => s.amount).join(" / "),
        ];
      }),
    ),
    "",
    "Other processes' CPU: the machine's busy time in the round (/proc/stat) minus that of autocannon and " +
      "the server, as a share of one core; the most of the framework's three servers in that round. Above " +
      "a few percent, someone else was using the machine and that round's figures are disturbed. CPU " +
      "stolen: what the hypervisor gave to other virtual machines while this one wanted to run (/proc/stat " +
      '"steal"), as a share of one core, the most of the three servers; it slows every process here alike.',
    "",
  );
  out.push(...renderRedisStore(options, frameworks));
  const loadGen = frameworks.flatMap((result) => Object.values(result.servers) as HttpServerResult[]);
  const busiest = Math.max(...loadGen.map((server) => server.loadGenCpu));
  out.push(
    `The load generator used at most ${(busiest * 100).toFixed(0)} % of a core in any server's median round ` +
      "(on 2 cores, the server and autocannon have one each). Server CPU µs/req is the server process's " +
      "user + system CPU time divided by the requests: it does not depend on the load generator keeping up.",
    "",
  );
  if (busiest > 0.9) {
    out.push(
      "**The load generator was close to saturated** in some rounds: there the server was not the only " +
        "limit, and req/s ratios understate the differences; server CPU µs/req does not.",
      "",
    );
  }
  return out;
}

function renderCore(core: CorePipelineResult): string[] {
  const { micros } = core;
  return [
    "## Core pipeline",
    "",
    `\`createWebhookHandler(...).handle()\` on a ${core.bodyBytes}-byte body (method, secret, content type, ` +
      "size, UTF-8 decode, JSON, shape, dedup, per-chat queue, deadline, dispatch to an `onUpdate` that " +
      "counts) against a bare `TextDecoder` + `JSON.parse` of the same bytes, awaited once. The variants take " +
      `turns in slices of ${core.perSlice.toLocaleString("en")} updates, in a fresh random order each time, ` +
      `${core.slices} slices each after a warm-up: this machine's speed drifts from second to second, and ` +
      "slices that run together drift alike. The ratio is the median over the slices of telehook's time over " +
      "the bare time of the same turn. Each slice's bodies (fresh update_ids) are built before its clock " +
      "starts. The target compares the two with the body in a `Uint8Array`; the stream row hands the same " +
      "bytes over as a Node `Readable` of one chunk, as the Express and Koa adapters do with the request, " +
      "and its bare side reads it with `data`/`end` listeners.",
    "",
    table(
      ["", "telehook µs/update", "bare µs/update", "ratio"],
      [
        ["body in a Uint8Array", micros.pipeline.toFixed(2), micros.bare.toFixed(2), times(core.ratio)],
        [
          "body as a Node Readable",
          micros["pipeline-stream"].toFixed(2),
          micros["bare-stream"].toFixed(2),
          times(core.streamRatio),
        ],
        [
          "`stats: true`, Uint8Array",
          micros["pipeline-stats"].toFixed(2),
          micros.bare.toFixed(2),
          times(core.statsRatio),
        ],
        [
          "`openTelemetry()`, no-op SDK, Uint8Array",
          micros["pipeline-otel"].toFixed(2),
          micros.bare.toFixed(2),
          times(core.otelRatio),
        ],
      ],
    ),
    "",
    "The first row is the default, with no listener: no event is built at all. With `stats: true` the " +
      "`stats()` collector listens to the event stream; `openTelemetry()` runs with no OpenTelemetry SDK " +
      "registered (the API's no-op tracer and meter), so its row is the instrumentation's own cost, not an " +
      `exporter's. \`stats: true\` costs ${((core.statsRatio / core.ratio - 1) * 100).toFixed(0)} % over no ` +
      `listener; \`openTelemetry()\` ${((core.otelRatio / core.ratio - 1) * 100).toFixed(0)} %.`,
    "",
    `Per-slice ratio (Uint8Array), 25th–75th percentile: ${core.ratioQuartiles.map((r) => r.toFixed(2)).join("–")}.`,
    "",
  ];
}

function renderMemory(memory: MemoryResult): string[] {
  const shown = memory.samples.filter((_, i) => i % 2 === 0 || i === memory.samples.length - 1);
  return [
    "## Memory",
    "",
    `${memory.updates.toLocaleString("en")} distinct updates through one \`createWebhookHandler\` with dedup ` +
      `on (the default 10,000-id window), ${memory.concurrency} at a time, in process, in ` +
      `${memory.seconds.toFixed(1)} s. Heap sampled after a forced full GC (\`--expose-gc\`). Fails when the ` +
      `peak is more than ${mib(MAX_HEAP_GROWTH)} MiB above the baseline, or the heap's trend over the second ` +
      `half (least squares) adds up to more than ${mib(MAX_SECOND_HALF_GROWTH)} MiB.`,
    "",
    table(
      ["", "heapUsed MiB"],
      [
        ["baseline", mib(memory.baseline)],
        ["peak", `${mib(memory.peak)} (+${mib(memory.peak - memory.baseline)})`],
        ["final", `${mib(memory.final)} (+${mib(memory.final - memory.baseline)})`],
        [
          "trend over the second half",
          `${signedMib(memory.secondHalfGrowth)} MiB (${memory.secondHalfBytesPerUpdate.toFixed(2)} bytes/update)`,
        ],
        ["RSS at the end", mib(memory.rss)],
      ],
    ),
    "",
    `Samples (updates → heapUsed MiB): ${shown
      .map((s) => `${(s.updates / 1000).toFixed(0)}k → ${mib(s.heapUsed)}`)
      .join(", ")}.`,
    "",
    memory.failures.length > 0 ? `**UNBOUNDED:** ${memory.failures.join("; ")}.` : "The heap stays bounded.",
    "",
  ];
}

function renderEmulator(emulator: EmulatorOutcome): string[] {
  if (!emulator.available) {
    return ["## Emulator", "", `Not measured: ${emulator.reason}. The section runs as soon as it loads.`, ""];
  }
  return [
    "## Emulator",
    "",
    `\`createTelegramEmulator\` delivering ${emulator.updates.toLocaleString("en")} text messages over ` +
      `${emulator.chats.toLocaleString("en")} chats (max_connections ${emulator.maxConnections}) to a bare ` +
      "node:http webhook in another process that answers 200. Timed from queueing the updates to " +
      "`waitForIdle()`; every update must arrive exactly once, with the secret, and be recorded as delivered.",
    "",
    table(
      ["", ""],
      [
        ["updates/s", Math.round(emulator.updatesPerSecond).toLocaleString("en")],
        ["time", `${emulator.seconds.toFixed(2)} s`],
        ["delivered / received", `${emulator.delivered} / ${emulator.received}`],
      ],
    ),
    "",
  ];
}

function renderInstructions(outcome: InstructionsOutcome, http: BenchResults["http"]): string[] {
  const heading = "## Instructions per request (callgrind)";
  if (!outcome.available) return [heading, "", `Not measured: ${outcome.reason}.`, ""];
  const { options } = outcome;
  const counts = (rounds: readonly number[]) =>
    rounds.map((n) => Math.round(n).toLocaleString("en")).join(" / ");
  const reqs = (framework: Framework) => {
    const measured = http?.frameworks.find((result) => result.framework === framework);
    return measured ? times(measured.telehookOverBare) : "not measured";
  };
  return [
    heading,
    "",
    `The CPU instructions each server executes per request, counted by ${outcome.valgrind} (callgrind) in ` +
      "the same server processes as the HTTP section, Node run with `--predictable`. Each server gets " +
      `${options.warmupRequests.toLocaleString("en")} requests to warm up, then ${options.rounds} counted ` +
      `round(s) of ${options.requests.toLocaleString("en")} requests over ${options.connections} connections, ` +
      "with the HTTP section's validity checks. A count does not depend on how fast the machine runs at the " +
      "moment, which on a shared virtual machine varies by a factor of two within a minute; it leaves out " +
      "what instructions alone do not show: cache misses, system calls, the kernel. The ratio compares each " +
      "server's lowest round: a round can only gain instructions from work that is not the requests' own " +
      "(V8 still compiling, a major collection), and the lowest moves by a few hundred from run to run.",
    "",
    table(
      [
        "Framework",
        "bare route (per round)",
        "telehook (per round)",
        "telehook ÷ bare (lowest rounds)",
        "req/s × bare (HTTP section)",
      ],
      outcome.frameworks.map((result) => [
        result.framework,
        counts(result.bare),
        counts(result.telehook),
        `${result.ratio.toFixed(3)}×`,
        reqs(result.framework),
      ]),
    ),
    "",
  ];
}

function renderSecretTiming(timing: SecretTimingResult): string[] {
  const verdict = (c: TimingComparison) => {
    if (c.confirmT === undefined) return c.dependent ? "**dependent**" : "no dependency found";
    return c.dependent
      ? `**dependent** (confirmed: t = ${c.confirmT.toFixed(1)})`
      : `not confirmed (second measurement: t = ${c.confirmT.toFixed(1)})`;
  };
  return [
    "## Secret timing",
    "",
    `Does the time to reject a wrong secret depend on how much of it matches? A ${timing.secretLength}-character ` +
      `secret; ${timing.samples.toLocaleString("en")} samples of each variant, each the mean of a batch of ` +
      `${timing.batch} \`handler.handle\` calls, all variants back to back in a fresh random order every sample. ` +
      "Two variants are compared sample by sample (paired t over the differences, the 10 % largest dropped), " +
      "so load that slows both alike cancels out. A dependency is |t| > " +
      `${timing.threshold} with a difference of at least ${percent(timing.minEffect)} of the time, found ` +
      "again, in the same direction, by a second independent measurement taken when the first finds one. The " +
      "controls add a leaky string comparison to each request, one that stops at the first different " +
      "character and one that stops at a length mismatch, to show that a leak of that size is caught in this " +
      "same run.",
    "",
    table(
      ["Variant", "median ns/request", "IQR ns"],
      timing.variants.map((v) => [v.name, v.medianNs.toFixed(1), v.iqrNs.toFixed(1)]),
    ),
    "",
    table(
      ["Comparison", "median Δ ns", "Δ / median", "Δ / IQR", "paired t", "Verdict"],
      [
        ["wrong first vs wrong last char", timing.prefix],
        ["right length vs other length", timing.length],
        ["control: early-exit compare, first vs last", timing.control],
        ["control: length-first compare, right vs other length", timing.lengthControl],
      ].map(([name, c]) => {
        const comparison = c as TimingComparison;
        return [
          name as string,
          comparison.medianDiffNs.toFixed(1),
          percent(comparison.relativeDiff),
          comparison.diffOverIqr.toFixed(3),
          comparison.t.toFixed(2),
          verdict(comparison),
        ];
      }),
    ),
    "",
    ...(timing.length.dependent
      ? [
          "**The time does depend on the length of the wrong secret**: that tells an attacker whether the " +
            "length is right.",
          "",
        ]
      : []),
    timing.control.dependent && timing.lengthControl.dependent
      ? "The control was detected, for the prefix and for the length, so the test had the power to see a leak of either size."
      : `**The control was not detected** for the ${[
          timing.control.dependent ? "" : "prefix",
          timing.lengthControl.dependent ? "" : "length",
        ]
          .filter(Boolean)
          .join(" and the ")}: this run could not have seen a leak of that size; its verdict is weak.`,
    "",
  ];
}

function renderProfiles(
  pairs: readonly HttpProfilePair[],
  core: ServerProfile | undefined,
  http: HttpResults | undefined,
): string[] {
  const out = ["## Profiles of missed targets", ""];
  out.push(
    "HTTP: the bare route and the telehook server of the framework, each profiled with the V8 CPU profiler " +
      "(500 µs sampling, started and stopped in the server over IPC) over the same rounds as the " +
      "measurement, three rounds each taken in turn after the same warm-ups; self time is divided by the " +
      "requests. Profiling costs CPU itself, so these µs/req run higher than the measured ones: compare the " +
      "two columns with each other. Locations in the workspace packages are mapped back to their TypeScript " +
      "source through the bundles' source maps. The profiles stay in bench/profiles (git-ignored); open them " +
      "in Chrome DevTools or speedscope.",
    "",
  );
  for (const { framework, bare, telehook } of pairs) {
    const perRequest = (profile: ServerProfile, ms: number) => (ms * 1000) / profile.requests;
    const categories = new Set([
      ...telehook.summary.categories.map((c) => c.category),
      ...bare.summary.categories.map((c) => c.category),
    ]);
    const cost = (profile: ServerProfile, category: string) =>
      perRequest(profile, profile.summary.categories.find((c) => c.category === category)?.ms ?? 0);
    const rows = [...categories]
      .map((category) => ({ category, bare: cost(bare, category), telehook: cost(telehook, category) }))
      .sort((a, b) => Math.max(b.bare, b.telehook) - Math.max(a.bare, a.telehook))
      .slice(0, 12);
    const total = (profile: ServerProfile) => perRequest(profile, profile.summary.busyMs);
    const ours = telehook.summary.categories
      .filter((c) => c.category.startsWith("telehook"))
      .reduce((sum, c) => sum + perRequest(telehook, c.ms), 0);
    out.push(`### ${framework}: CPU per request, bare route and telehook`, "");
    const measured = http?.frameworks.find((result) => result.framework === framework)?.servers;
    const unprofiled = measured
      ? ` (in the measured rounds, without the profiler: ${measured.telehook.serverCpuMicros.toFixed(1)} and ` +
        `${measured.bare.serverCpuMicros.toFixed(1)} µs)`
      : "";
    out.push(
      `Profiled, the telehook server used ${total(telehook).toFixed(1)} µs of CPU per request and the bare ` +
        `route ${total(bare).toFixed(1)} µs (${signed(total(telehook) - total(bare))} µs)${unprofiled}. ` +
        `telehook's own code (core and adapter) took ${ours.toFixed(1)} µs of it ` +
        `(${percent(ours / total(telehook))}).`,
      "",
      table(
        ["Code", "bare µs/req", "telehook µs/req", "Δ µs/req"],
        [
          ...rows.map((row) => [
            row.category,
            row.bare.toFixed(1),
            row.telehook.toFixed(1),
            signed(row.telehook - row.bare),
          ]),
          [
            "**all busy time**",
            total(bare).toFixed(1),
            total(telehook).toFixed(1),
            signed(total(telehook) - total(bare)),
          ],
        ],
      ),
      "",
      `Top self time in the telehook server (${framework}):`,
      "",
      functionTable(telehook),
      "",
      "Top self time in telehook's own code (JSON.parse and other built-ins are counted in their caller):",
      "",
      functionTable(telehook, "µs/req", (f) => f.category.startsWith("telehook"), 10),
      "",
    );
  }
  if (core) {
    out.push("### Core pipeline alone", "");
    out.push(
      `\`handle()\` in process over ${core.requests.toLocaleString("en")} updates (no bare rounds in this ` +
        "profile; bench code is making and awaiting the requests).",
      "",
      functionTable(core, "µs/update"),
      "",
      "Top self time in telehook's own code:",
      "",
      functionTable(core, "µs/update", (f) => f.category.startsWith("telehook"), 10),
      "",
    );
  }
  return out;
}

function functionTable(
  profile: ServerProfile,
  unit = "µs/req",
  include: (f: SelfTime) => boolean = () => true,
  rows = 15,
): string {
  return table(
    ["Function", "Where", "Code", unit, "share"],
    profile.summary.functions
      .filter(include)
      .slice(0, rows)
      .map((f) => [
        `\`${f.name}\``,
        f.location,
        f.category,
        ((f.ms * 1000) / profile.requests).toFixed(2),
        percent(f.share),
      ]),
  );
}

function signed(value: number): string {
  return `${value >= 0 ? "+" : "−"}${Math.abs(value).toFixed(1)}`;
}

export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const escapePipes = (cell: string) => cell.replaceAll("|", "\\|");
  return [
    `| ${header.map(escapePipes).join(" | ")} |`,
    `|${header.map(() => " --- ").join("|")}|`,
    ...rows.map((row) => `| ${row.map(escapePipes).join(" | ")} |`),
  ].join("\n");
}

function times(ratio: number): string {
  return `${ratio.toFixed(2)}×`;
}

function percent(share: number): string {
  return `${(share * 100).toFixed(1)} %`;
}

export function mib(bytes: number): string {
  return (bytes / 1024 / 1024).toFixed(1);
}

function signedMib(bytes: number): string {
  return `${bytes >= 0 ? "+" : "−"}${mib(Math.abs(bytes))}`;
}

function loads(values: readonly number[]): string {
  return values.map((n) => n.toFixed(2)).join(" / ");
}

/** Quiet means a 1-minute load below 0.5 before the bench put any load on the machine itself. */
function quiet(machine: MachineInfo): string {
  const before = machine.loadBeforeBuild?.[0] ?? machine.loadAtStart[0] ?? 0;
  return before < 0.5
    ? `yes (1-minute load ${before.toFixed(2)} before the run)`
    : `**no** (1-minute load ${before.toFixed(2)} before the run): other work shared the CPUs; the figures are noisy`;
}

/** How much CPU other processes took while the HTTP rounds ran: the direct measure of a quiet machine. */
function othersDuringHttp(http: HttpResults): string {
  const shares = roundShares(http, (round) => round.othersCpu);
  if (shares.length === 0) return "unknown (no /proc/stat)";
  const disturbed = shares.filter((share) => share > 0.05).length;
  return `${medianAndMost(shares)}; ${disturbed} of ${shares.length} rounds above 5 %`;
}

/**
 * How much CPU the hypervisor took while the HTTP rounds ran. A quiet guest is not enough on a shared
 * virtual machine: when the host is busy, every process in the guest slows down alike.
 */
function stolenDuringHttp(http: HttpResults): string {
  const shares = roundShares(http, (round) => round.stolenCpu);
  return shares.length === 0 ? "unknown (no /proc/stat)" : medianAndMost(shares);
}

/** One figure of every HTTP round of every server, sorted, NaN left out. */
function roundShares(http: HttpResults, pick: (round: HttpRound) => number): number[] {
  return http.frameworks
    .flatMap((result) => Object.values(result.servers) as HttpServerResult[])
    .flatMap((server) => server.rounds.map(pick))
    .filter((share) => !Number.isNaN(share))
    .sort((a, b) => a - b);
}

function medianAndMost(sorted: readonly number[]): string {
  return `median ${percent(sorted[Math.floor(sorted.length / 2)] ?? 0)}, at most ${percent(sorted.at(-1) ?? 0)} of a core`;
}

/** Lowest–highest of per-round ratios. */
function range(values: readonly number[]): string {
  return `${Math.min(...values).toFixed(2)}–${Math.max(...values).toFixed(2)}`;
}
