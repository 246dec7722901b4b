import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { cpus, loadavg, totalmem } from "node:os";
import { join } from "node:path";
import { BENCH_ROOT } from "./child.js";

export interface MachineInfo {
  readonly cpu: string;
  readonly cores: number;
  readonly memoryGiB: number;
  readonly node: string;
  readonly platform: string;
  readonly date: string;
  readonly commit: string;
  /** Load averages when the measurements start (after the build, if run.mjs built first). */
  readonly loadAtStart: readonly number[];
  /** Load averages before run.mjs built the packages: what says whether the machine was quiet. */
  readonly loadBeforeBuild: readonly number[] | undefined;
  readonly versions: Readonly<Record<string, string>>;
}

const MEASURED_PACKAGES = [
  "express",
  "hono",
  "@hono/node-server",
  "koa",
  "@koa/bodyparser",
  "grammy",
  "autocannon",
] as const;

export function machineInfo(loadBeforeBuild?: readonly number[]): MachineInfo {
  const versions: Record<string, string> = {};
  for (const name of MEASURED_PACKAGES) {
    try {
      const manifest = readFileSync(join(BENCH_ROOT, "node_modules", name, "package.json"), "utf8");
      versions[name] = (JSON.parse(manifest) as { version: string }).version;
    } catch {
      versions[name] = "?";
    }
  }
  return {
    cpu: cpus()[0]?.model.trim() ?? "unknown",
    cores: cpus().length,
    memoryGiB: Math.round(totalmem() / 1024 ** 3),
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    date: new Date().toISOString(),
    commit: gitCommit(),
    loadAtStart: loadavg(),
    loadBeforeBuild,
    versions,
  };
}

function gitCommit(): string {
  try {
    const run = (args: string[]) => execFileSync("git", args, { cwd: BENCH_ROOT, encoding: "utf8" }).trim();
    const head = run(["rev-parse", "--short", "HEAD"]);
    const dirty = run(["status", "--porcelain", "--", "../packages"]) !== "";
    return dirty ? `${head} with uncommitted changes in packages/` : head;
  } catch {
    return "unknown";
  }
}

/** The machine's CPU time since boot, all CPUs together, in microseconds. */
export interface MachineCpu {
  /** What every process on the machine spent (user, nice and system). */
  readonly busy: number;
  /**
   * What the hypervisor gave to other virtual machines while this one wanted to run ("steal"): a shared
   * virtual machine slows down by that much, whatever runs inside it.
   */
  readonly stolen: number;
}

/**
 * The machine's CPU time from /proc/stat; undefined where there is none. Kernel interrupt time is left out
 * of `busy`: much of it is this bench's own loopback traffic.
 */
export function machineCpuMicros(): MachineCpu | undefined {
  try {
    const line = readFileSync("/proc/stat", "utf8").split("\n", 1)[0] ?? "";
    // cpu user nice system idle iowait irq softirq steal …
    const [user = 0, nice = 0, system = 0, , , , , steal = 0] = line.split(/\s+/).slice(1, 9).map(Number);
    // USER_HZ is 100 on Linux: a tick is 10 ms.
    return { busy: (user + nice + system) * 10_000, stolen: steal * 10_000 };
  } catch {
    return undefined;
  }
}
