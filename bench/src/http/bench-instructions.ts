import { execFile, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BenchServer, type Framework, type HttpOptions, measureRound } from "./bench-http.js";
import { SLOW_SERVER_ENV } from "./server-harness.js";

/** How the instructions section runs. */
export interface InstructionsOptions {
  readonly frameworks: readonly Framework[];
  /** Requests before counting starts, for the JIT to settle. */
  readonly warmupRequests: number;
  /** Requests per counted round. */
  readonly requests: number;
  /** Counted rounds per server. */
  readonly rounds: number;
  readonly connections: number;
}

/** One framework's bare route and telehook server, counted by callgrind. */
export interface InstructionsFramework {
  readonly framework: Framework;
  /** CPU instructions per request, round by round. */
  readonly bare: readonly number[];
  readonly telehook: readonly number[];
  /**
   * The ratio of each server's lowest round, telehook over bare. A round can only gain instructions from
   * work that is not the requests' own (V8 compiling, a major collection), so the lowest is the closest.
   */
  readonly ratio: number;
}

export type InstructionsOutcome =
  | {
      readonly available: true;
      readonly options: InstructionsOptions;
      readonly valgrind: string;
      readonly frameworks: readonly InstructionsFramework[];
    }
  | { readonly available: false; readonly reason: string };

/**
 * Counts the instructions each server executes per request, under valgrind's callgrind: the bare route and
 * telehook's server of each framework, the same server files as the HTTP section, loaded the same way. A
 * count does not depend on the machine's speed, which on a shared virtual machine drifts by a factor of two
 * within a minute; it leaves out what instructions alone cannot show (cache misses, system calls). Node
 * runs with `--predictable`, so that its compilers and collector work on the main thread, where callgrind
 * counts them. Counting starts after the warm-up (`callgrind_control --zero`) and ends with each round
 * (`--dump`). The two servers of a framework run at once: callgrind makes each about fifty times slower,
 * and the counts do not depend on what else runs.
 */
export async function measureInstructions(
  options: InstructionsOptions,
  log: (line: string) => void,
): Promise<InstructionsOutcome> {
  const valgrind = spawnSync("valgrind", ["--version"], { encoding: "utf8" });
  const control = spawnSync("callgrind_control", ["--help"], { encoding: "utf8" });
  if (valgrind.status !== 0 || control.error) {
    return { available: false, reason: "valgrind is not installed (apt-get install -y valgrind)" };
  }
  const dir = mkdtempSync(join(tmpdir(), "telehook-bench-callgrind-"));
  // Inherited by the servers started below, and only by them.
  process.env[SLOW_SERVER_ENV] = "1";
  try {
    const frameworks: InstructionsFramework[] = [];
    for (const framework of options.frameworks) {
      log(`  counting ${framework}: bare route and telehook, side by side`);
      const [bare, telehook] = await Promise.all([
        countServer(framework, "bare", dir, options),
        countServer(framework, "telehook", dir, options),
      ]);
      frameworks.push({ framework, bare, telehook, ratio: Math.min(...telehook) / Math.min(...bare) });
    }
    return { available: true, options, valgrind: valgrind.stdout.trim(), frameworks };
  } finally {
    delete process.env[SLOW_SERVER_ENV];
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Instructions per request of one server, for each counted round. */
async function countServer(
  framework: Framework,
  variant: "bare" | "telehook",
  dir: string,
  options: InstructionsOptions,
): Promise<number[]> {
  const out = join(dir, `${framework}-${variant}.out`);
  const server = new BenchServer(framework, variant, undefined, [], {
    wrapper: ["valgrind", "--tool=callgrind", `--callgrind-out-file=${out}`],
    execArgv: ["--predictable"],
  });
  // The validity checks of the HTTP section, with rounds long enough for a server under callgrind.
  const roundOptions: HttpOptions = {
    frameworks: [framework],
    rounds: options.rounds,
    roundSeconds: 300,
    slices: 1,
    connections: options.connections,
    warmupRequests: options.warmupRequests,
    requestTimeoutSeconds: 300,
  };
  try {
    await server.ready(180_000);
    await measureRound(server, options.warmupRequests, roundOptions, "instructions warm-up");
    const counts: number[] = [];
    for (let round = 1; round <= options.rounds; round++) {
      await callgrind(server, "--zero");
      await measureRound(server, options.requests, roundOptions, `instructions round ${round}`);
      await callgrind(server, "--dump");
      counts.push(instructionsIn(`${out}.${round}`) / options.requests);
    }
    return counts;
  } finally {
    await server.close();
  }
}

/**
 * Sends callgrind a command and waits for it to be done. Callgrind takes commands only while the program
 * runs, so the server is asked for its stats meanwhile, which wakes its event loop.
 */
async function callgrind(server: BenchServer, command: "--zero" | "--dump"): Promise<void> {
  let outcome = undefined as { error: Error | null } | undefined;
  execFile("callgrind_control", [command, String(server.pid)], { timeout: 60_000 }, (error) => {
    outcome = { error };
  });
  while (outcome === undefined) {
    await server.stats();
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  if (outcome.error) throw new Error(`callgrind_control ${command} failed: ${outcome.error.message}`);
}

/** The instructions a callgrind dump counted (its `summary:` line, the first event being Ir). */
function instructionsIn(file: string): number {
  const summary = /^summary: (\d+)/m.exec(readFileSync(file, "utf8"));
  if (!summary) throw new Error(`no summary line in the callgrind dump ${file}`);
  return Number(summary[1]);
}
