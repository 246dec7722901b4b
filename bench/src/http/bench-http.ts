import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { benchFrameworks } from "@telehook/hosts";
import { allCpus, BENCH_ROOT, type Child, messageOfType, pinThisProcess, startChild } from "../child.js";
import { machineCpuMicros } from "../machine.js";
import { mergeSummaries, type ProfileSummary, summarizeProfile } from "../profile.js";
import { median } from "../stats.js";
import { type LoadResult, runLoad } from "./load.js";
import type { ReadyMessage, ServerStats } from "./server-harness.js";

/** The frameworks measured, each with the host of `@telehook/hosts` that runs telehook's variant. */
const BENCH_HOSTS = benchFrameworks();
export const FRAMEWORKS: readonly string[] = BENCH_HOSTS.map((entry) => entry.framework);
export type Framework = string;
export const VARIANTS = ["bare", "telehook", "grammy"] as const;
export type Variant = (typeof VARIANTS)[number];
/** Express only: telehook with the Redis store (`@telehook/redis`) on a loopback redis-server. */
export const REDIS_VARIANT = "telehook-redis";
export type ServerVariant = Variant | typeof REDIS_VARIANT;

/** Counts the round trips clients made to a Redis server, for round trips per update. */
export interface RedisCounter {
  /** The scripts (EVALSHA, EVAL) clients sent so far, from INFO commandstats: the store sends nothing else. */
  roundTrips(): Promise<number>;
}

export interface HttpOptions {
  readonly frameworks: readonly Framework[];
  readonly rounds: number;
  /** Each round's length: its request count is calibrated to take about this long. */
  readonly roundSeconds: number;
  /**
   * How many turns a framework's servers take within one round: each turn runs 1/`slices` of the round's
   * requests on every server of the framework, the order reversed every other turn (bare, telehook, grammY,
   * then grammY, telehook, bare, …), so that a machine whose speed drifts during the round slows them alike.
   */
  readonly slices: number;
  readonly connections: number;
  /** A fixed request count per round instead of calibrating (the smoke test). */
  readonly amount?: number | undefined;
  /** The first warm-up round's request count. */
  readonly warmupRequests: number;
  /**
   * How long one request may wait for its answer before it counts as an error (default 10 s). A server
   * under valgrind stops for seconds while V8 compiles.
   */
  readonly requestTimeoutSeconds?: number | undefined;
  /** Send a wrong secret: every request is rejected and the run must fail. Proves the checks work. */
  readonly wrongSecret?: boolean;
  /** Send one update_id in every request: telehook's dedupe answers the copies, and the run must fail. */
  readonly sameUpdateId?: boolean;
  /** A redis-server for express/telehook with the Redis store, and how to count its commands. */
  readonly redis?: { readonly url: string; readonly counter: RedisCounter } | undefined;
  /** Why the Redis store is not measured (no redis-server), when it is not. */
  readonly redisUnavailable?: string | undefined;
}

/** One measured round of one server. */
export interface HttpRound {
  readonly load: LoadResult;
  /** Updates the server's handler counted during the round. */
  readonly handled: number;
  /** Server CPU time per request, in microseconds. */
  readonly serverCpuMicros: number;
  /**
   * CPU that processes other than this bench used during the round, as a share of one core (machine-wide
   * busy time from /proc/stat minus the load generator's and the server's own); NaN without /proc/stat.
   */
  readonly othersCpu: number;
  /**
   * CPU the hypervisor took from this virtual machine during the round ("steal" in /proc/stat, all CPUs), as
   * a share of one core; NaN without /proc/stat.
   */
  readonly stolenCpu: number;
  readonly rss: number;
  readonly maxRss: number;
}

export interface HttpServerResult {
  readonly framework: Framework;
  readonly variant: ServerVariant;
  /** Requests per round. */
  readonly amount: number;
  readonly rounds: readonly HttpRound[];
  /** Medians over the rounds. */
  readonly requestsPerSecond: number;
  readonly p50: number;
  readonly p99: number;
  readonly serverCpuMicros: number;
  readonly rss: number;
  readonly maxRss: number;
  readonly loadGenCpu: number;
  /** The most CPU other processes took during any of its rounds, as a share of one core. */
  readonly othersCpuMax: number;
}

export interface HttpFrameworkResult {
  readonly framework: Framework;
  readonly servers: Readonly<Record<Variant, HttpServerResult>>;
  /** Ratios of the median requests/s. */
  readonly telehookOverBare: number;
  readonly telehookOverGrammy: number;
  /** The same ratio round by round (each round's servers ran back to back): how steady it is. */
  readonly pairedOverBare: readonly number[];
  readonly pairedOverGrammy: readonly number[];
  /** Express with the Redis store, when a redis-server was there. */
  readonly redisStore?: RedisStoreResult;
}

/** telehook with the Redis store beside telehook with the memory store (the default), same framework. */
export interface RedisStoreResult {
  readonly server: HttpServerResult;
  /** Commands Redis processed per update (each is one round trip: the store sends one script per call). */
  readonly roundTripsPerUpdate: number;
  /** Its median req/s over the memory store's. */
  readonly overMemory: number;
  /** The same ratio round by round. */
  readonly pairedOverMemory: readonly number[];
}

/** A benchmark whose requests were not all answered 200 and counted: its numbers mean nothing. */
export class InvalidBenchmarkError extends Error {
  override readonly name = "InvalidBenchmarkError";
}

/** One benchmark server process. */
export class BenchServer {
  readonly framework: Framework;
  readonly variant: ServerVariant;
  readonly #child: Child;
  #port = 0;
  #handled = 0;
  #cpuMicros = 0;

  /** `run` starts Node through a wrapper command, with Node options of its own (the instructions section). */
  constructor(
    framework: Framework,
    variant: ServerVariant,
    cpu: number | undefined,
    args: string[] = [],
    run: { wrapper?: readonly string[]; execArgv?: string[] } = {},
  ) {
    this.framework = framework;
    this.variant = variant;
    // telehook's variant comes from the hosts list; the bare route, grammY's and the Redis variant are files
    // of their own.
    const host = BENCH_HOSTS.find((entry) => entry.framework === framework)?.host;
    this.#child =
      variant === "telehook"
        ? startChild("http/servers/telehook", { cpu, args: [host ?? framework], ...run })
        : startChild(`http/servers/${framework}-${variant}`, { cpu, args, ...run });
  }

  get name(): string {
    return `${this.framework}/${this.variant}`;
  }

  get port(): number {
    return this.#port;
  }

  /** The server's process id (valgrind's, which runs Node in the same process). */
  get pid(): number | undefined {
    return this.#child.process.pid;
  }

  /** Waits for its port; a server under valgrind takes many times longer to start. */
  async ready(timeoutMs = 30_000): Promise<void> {
    const ready = await this.#child.next(messageOfType<ReadyMessage>("ready"), timeoutMs, "its port");
    this.#port = ready.port;
    const stats = await this.stats();
    this.#handled = stats.handled;
    this.#cpuMicros = stats.cpuMicros;
  }

  stats(): Promise<ServerStats> {
    this.#child.send({ type: "stats" });
    return this.#child.next(messageOfType<ServerStats>("stats"), 10_000, "its stats");
  }

  /** Stats since the previous call: updates handled and CPU used. */
  async delta(): Promise<ServerStats> {
    const stats = await this.stats();
    const delta = {
      ...stats,
      handled: stats.handled - this.#handled,
      cpuMicros: stats.cpuMicros - this.#cpuMicros,
    };
    this.#handled = stats.handled;
    this.#cpuMicros = stats.cpuMicros;
    return delta;
  }

  /** Starts the CPU profiler in the server, or stops it and has the profile written to `file`. */
  async profile(action: "start" | "stop", file?: string): Promise<void> {
    this.#child.send({ type: `profile-${action}`, file });
    const done = action === "start" ? "profile-started" : "profile-stopped";
    await this.#child.next(messageOfType<{ type: string }>(done), 30_000, done);
    await this.delta();
  }

  async close(): Promise<void> {
    this.#child.send({ type: "close" });
    await this.#child.exited(10_000);
  }
}

let nextUpdateId = 10_000_000;

/** One validated round: every request answered 200, and the server counted exactly that many updates. */
export async function measureRound(
  server: BenchServer,
  amount: number,
  options: HttpOptions,
  label: string,
): Promise<HttpRound> {
  const machineBefore = machineCpuMicros();
  const ownBefore = process.cpuUsage();
  const startedAt = performance.now();
  const load = await runLoad({
    port: server.port,
    amount,
    connections: Math.min(options.connections, amount),
    firstUpdateId: nextUpdateId,
    maxSeconds: Math.max(60, options.roundSeconds * 6),
    requestTimeoutSeconds: options.requestTimeoutSeconds,
    ...(options.wrongSecret ? { secretToken: "not_the_secret_token" } : {}),
    sameUpdateId: options.sameUpdateId === true,
  });
  nextUpdateId += amount * 2 + 1000;
  const stats = await server.delta();
  const machineAfter = machineCpuMicros();
  const own = process.cpuUsage(ownBefore);
  const elapsedMicros = (performance.now() - startedAt) * 1000;
  const [othersMicros, stolenMicros] =
    machineBefore === undefined || machineAfter === undefined
      ? [Number.NaN, Number.NaN]
      : [
          machineAfter.busy - machineBefore.busy - (own.user + own.system + stats.cpuMicros),
          machineAfter.stolen - machineBefore.stolen,
        ];
  const othersCpu = Math.max(0, othersMicros) / elapsedMicros;
  const stolenCpu = stolenMicros / elapsedMicros;
  const problems: string[] = [];
  if (load.stoppedEarly) problems.push("the round did not finish in time");
  if (load.errors > 0) problems.push(`${load.errors} request errors (${load.timeouts} timeouts)`);
  if (load.non2xx > 0) problems.push(`${load.non2xx} responses were not 2xx`);
  if (load.ok200 !== amount) {
    problems.push(
      `${load.ok200} of ${amount} requests were answered 200 (statuses ${JSON.stringify(load.statuses)})`,
    );
  }
  if (stats.handled !== load.ok200) {
    problems.push(`the server's handler counted ${stats.handled} updates for ${load.ok200} 200 responses`);
  }
  if (problems.length > 0) {
    throw new InvalidBenchmarkError(`INVALID benchmark: ${server.name}, ${label}: ${problems.join("; ")}`);
  }
  return {
    load,
    handled: stats.handled,
    serverCpuMicros: stats.cpuMicros / amount,
    othersCpu,
    stolenCpu,
    rss: stats.rss,
    maxRss: stats.maxRss,
  };
}

/** Two warm-up rounds; the second sets how many requests a round needs to last `roundSeconds`. */
async function warmUp(server: BenchServer, options: HttpOptions): Promise<number> {
  const first = await measureRound(server, options.warmupRequests, options, "warm-up 1");
  if (options.amount !== undefined) return options.amount;
  const secondAmount = Math.max(options.connections * 10, Math.round(first.load.requestsPerSecond * 1.5));
  const second = await measureRound(server, secondAmount, options, "warm-up 2");
  const amount = Math.round(second.load.requestsPerSecond * options.roundSeconds);
  return Math.max(options.connections * 10, Math.ceil(amount / options.connections) * options.connections);
}

/**
 * Runs `work` with this process (the load generator) pinned to CPU 0 and the servers to be pinned to CPU 1,
 * when taskset allows; afterwards this process may use every CPU again.
 */
async function pinned<T>(work: (serverCpu: number | undefined) => Promise<T>): Promise<T> {
  const isPinned = pinThisProcess("0");
  try {
    return await work(isPinned ? 1 : undefined);
  } finally {
    if (isPinned) pinThisProcess(allCpus());
  }
}

/** What the HTTP section measured. */
export interface HttpResults {
  readonly frameworks: readonly HttpFrameworkResult[];
  /** The load generator ran on CPU 0 and every server on CPU 1. */
  readonly pinned: boolean;
}

/**
 * For each framework, three servers in their own processes: the bare route, telehook's adapter and grammY's
 * webhookCallback. All are warmed up, then measured in interleaved rounds (bare, telehook, grammY, bare, …),
 * each server's figures being the median of its rounds. Any invalid round stops the run.
 */
export function measureHttp(options: HttpOptions, log: (line: string) => void): Promise<HttpResults> {
  return pinned(async (serverCpu) => ({
    frameworks: await measureServers(options, serverCpu, log),
    pinned: serverCpu !== undefined,
  }));
}

async function measureServers(
  options: HttpOptions,
  serverCpu: number | undefined,
  log: (line: string) => void,
): Promise<HttpFrameworkResult[]> {
  const servers = options.frameworks.flatMap((framework) =>
    VARIANTS.map((variant) => new BenchServer(framework, variant, serverCpu)),
  );
  const redis = options.redis;
  if (redis && options.frameworks.includes("express")) {
    servers.push(new BenchServer("express", REDIS_VARIANT, serverCpu, [redis.url]));
  }
  /** Round trips to Redis per update, per round of the Redis server. */
  const roundTrips: number[] = [];
  try {
    await Promise.all(servers.map((server) => server.ready()));
    const amounts = new Map<BenchServer, number>();
    for (const server of servers) {
      amounts.set(server, await warmUp(server, options));
      log(`  warmed up ${server.name}: ${amounts.get(server)} requests per round`);
    }
    const rounds = new Map<BenchServer, HttpRound[]>(servers.map((server) => [server, []]));
    const teams = options.frameworks.map((framework) => servers.filter((s) => s.framework === framework));
    for (let round = 1; round <= options.rounds; round++) {
      const line: string[] = [];
      for (const team of teams) {
        const slices = new Map<BenchServer, HttpRound[]>(team.map((server) => [server, []]));
        for (let turn = 0; turn < options.slices; turn++) {
          for (const server of turn % 2 === 0 ? team : [...team].reverse()) {
            const counted = server.variant === REDIS_VARIANT ? redis?.counter : undefined;
            const before = await counted?.roundTrips();
            const amount = sliceOf(amounts.get(server) ?? 0, options);
            const measured = await measureRound(server, amount, options, `round ${round}, turn ${turn + 1}`);
            if (counted && before !== undefined) {
              roundTrips.push(((await counted.roundTrips()) - before) / amount);
            }
            slices.get(server)?.push(measured);
          }
        }
        for (const server of team) {
          const measured = combineSlices(slices.get(server) ?? []);
          rounds.get(server)?.push(measured);
          line.push(`${server.name} ${Math.round(measured.load.requestsPerSecond)}/s`);
        }
      }
      log(`  round ${round}/${options.rounds}: ${line.join(", ")}`);
    }
    return options.frameworks.map((framework) => {
      const of = (variant: ServerVariant) => {
        const server = servers.find((s) => s.framework === framework && s.variant === variant) as BenchServer;
        return summarize(framework, variant, amounts.get(server) ?? 0, rounds.get(server) ?? []);
      };
      const bare = of("bare");
      const telehook = of("telehook");
      const grammy = of("grammy");
      const paired = (other: HttpServerResult) =>
        telehook.rounds.map(
          (round, i) =>
            round.load.requestsPerSecond / (other.rounds[i]?.load.requestsPerSecond ?? Number.NaN),
        );
      const withRedis = servers.some((s) => s.framework === framework && s.variant === REDIS_VARIANT);
      const redisServer = withRedis ? of(REDIS_VARIANT) : undefined;
      return {
        framework,
        servers: { bare, telehook, grammy },
        telehookOverBare: telehook.requestsPerSecond / bare.requestsPerSecond,
        telehookOverGrammy: telehook.requestsPerSecond / grammy.requestsPerSecond,
        pairedOverBare: paired(bare),
        pairedOverGrammy: paired(grammy),
        ...(redisServer
          ? {
              redisStore: {
                server: redisServer,
                roundTripsPerUpdate: median(roundTrips),
                overMemory: redisServer.requestsPerSecond / telehook.requestsPerSecond,
                pairedOverMemory: redisServer.rounds.map(
                  (round, i) =>
                    round.load.requestsPerSecond / (telehook.rounds[i]?.load.requestsPerSecond ?? Number.NaN),
                ),
              },
            }
          : {}),
      };
    });
  } finally {
    await Promise.all(servers.map((server) => server.close()));
  }
}

/** One turn's share of a round's requests: a whole number of requests per connection. */
function sliceOf(amount: number, options: HttpOptions): number {
  const perConnection = Math.max(1, Math.round(amount / options.slices / options.connections));
  return Math.min(amount, perConnection * options.connections);
}

/**
 * A server's turns in one round as one round: its rate is all the requests over all the time, its CPU all
 * the CPU over all the requests, its latencies the median of the turns' percentiles.
 */
function combineSlices(slices: readonly HttpRound[]): HttpRound {
  const total = (pick: (slice: HttpRound) => number) => slices.reduce((sum, slice) => sum + pick(slice), 0);
  const requests = total((slice) => slice.handled);
  const seconds = total((slice) => slice.load.seconds);
  const statuses: Record<string, number> = {};
  for (const slice of slices) {
    for (const [status, count] of Object.entries(slice.load.statuses)) {
      statuses[status] = (statuses[status] ?? 0) + count;
    }
  }
  const last = slices[slices.length - 1] as HttpRound;
  return {
    load: {
      requestsPerSecond: requests / seconds,
      seconds,
      sent: total((slice) => slice.load.sent),
      ok200: total((slice) => slice.load.ok200),
      statuses,
      errors: total((slice) => slice.load.errors),
      timeouts: total((slice) => slice.load.timeouts),
      non2xx: total((slice) => slice.load.non2xx),
      p50: median(slices.map((slice) => slice.load.p50)),
      p99: median(slices.map((slice) => slice.load.p99)),
      loadGenCpu: total((slice) => slice.load.loadGenCpu * slice.load.seconds) / seconds,
      stoppedEarly: slices.some((slice) => slice.load.stoppedEarly),
    },
    handled: requests,
    serverCpuMicros: total((slice) => slice.serverCpuMicros * slice.handled) / requests,
    othersCpu: total((slice) => slice.othersCpu * slice.load.seconds) / seconds,
    stolenCpu: total((slice) => slice.stolenCpu * slice.load.seconds) / seconds,
    rss: last.rss,
    maxRss: Math.max(...slices.map((slice) => slice.maxRss)),
  };
}

function summarize(
  framework: Framework,
  variant: ServerVariant,
  amount: number,
  rounds: HttpRound[],
): HttpServerResult {
  const medianOf = (pick: (round: HttpRound) => number) => median(rounds.map(pick));
  return {
    framework,
    variant,
    amount,
    rounds,
    requestsPerSecond: medianOf((round) => round.load.requestsPerSecond),
    p50: medianOf((round) => round.load.p50),
    p99: medianOf((round) => round.load.p99),
    serverCpuMicros: medianOf((round) => round.serverCpuMicros),
    rss: medianOf((round) => round.rss),
    maxRss: Math.max(...rounds.map((round) => round.maxRss)),
    loadGenCpu: medianOf((round) => round.load.loadGenCpu),
    othersCpuMax: Math.max(...rounds.map((round) => round.othersCpu)),
  };
}

/** Where CPU profiles go; `*.cpuprofile` is git-ignored. */
export const PROFILE_DIR = join(BENCH_ROOT, "profiles");

/** A CPU profile of one server over one round. */
export interface ServerProfile {
  readonly file: string;
  /** Requests in the profiled round. */
  readonly requests: number;
  readonly summary: ProfileSummary;
}

/**
 * Profiles the bare route and the telehook server of one framework, in `rounds` profiled rounds each,
 * taken in turn (bare, telehook, bare, …) after the same two warm-ups as the measured servers, so that a
 * machine whose speed drifts affects both alike. The V8 profiler runs only during those rounds (started and
 * stopped over IPC); the rounds' profiles are summed.
 */
export async function profileBareAndTelehook(
  framework: Framework,
  amounts: Readonly<Record<"bare" | "telehook", number>>,
  options: HttpOptions,
  repoRoot: string,
  rounds = 3,
): Promise<Record<"bare" | "telehook", ServerProfile>> {
  mkdirSync(PROFILE_DIR, { recursive: true });
  const variants = ["bare", "telehook"] as const;
  const files = { bare: [] as string[], telehook: [] as string[] };
  await pinned(async (serverCpu) => {
    const servers = variants.map((variant) => new BenchServer(framework, variant, serverCpu));
    try {
      await Promise.all(servers.map((server) => server.ready()));
      for (const [i, server] of servers.entries()) {
        const amount = amounts[variants[i] as Variant & keyof typeof amounts];
        await measureRound(server, options.warmupRequests, options, "profile warm-up 1");
        const secondWarmUp = Math.max(options.connections, Math.round(amount / 3));
        await measureRound(server, secondWarmUp, options, "profile warm-up 2");
      }
      for (let round = 1; round <= rounds; round++) {
        for (const [i, server] of servers.entries()) {
          const variant = variants[i] as (typeof variants)[number];
          const file = join(PROFILE_DIR, `${framework}-${variant}-${round}.cpuprofile`);
          await server.profile("start");
          await measureRound(server, amounts[variant], options, `profiled round ${round}`);
          await server.profile("stop", file);
          files[variant].push(file);
        }
      }
    } finally {
      await Promise.all(servers.map((server) => server.close()));
    }
  });
  const profileOf = (variant: (typeof variants)[number]): ServerProfile => ({
    file: files[variant].join(", "),
    requests: amounts[variant] * rounds,
    summary: mergeSummaries(files[variant].map((file) => summarizeProfile(file, repoRoot))),
  });
  return { bare: profileOf("bare"), telehook: profileOf("telehook") };
}
