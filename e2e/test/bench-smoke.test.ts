import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, test } from "vitest";

/**
 * `pnpm bench` in miniature: the bench's own entry, run from its TypeScript sources (tsx, the packages'
 * sources), with tiny sizes. It checks that every section runs and that the validity checks hold — never
 * the performance figures, which mean nothing here.
 */
const REPO = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const MAIN = join(REPO, "bench", "src", "main.ts");
const workDir = mkdtempSync(join(tmpdir(), "telehook-bench-smoke-"));
afterAll(() => rmSync(workDir, { recursive: true, force: true }));

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** A run's time limit: a busy virtual machine's host can make the quick run take twice its usual ~35 s. */
function runBench(args: readonly string[], timeoutMs = 100_000): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ["--import", "tsx", "--conditions=@telehook/source", MAIN, "--quick", ...args],
      { cwd: REPO, stdio: ["ignore", "pipe", "pipe"] },
    );
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk;
    });
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk;
    });
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`the bench did not finish within ${timeoutMs} ms:\n${stderr}`));
    }, timeoutMs);
    child.on("exit", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

describe("pnpm bench, in miniature", () => {
  // Both runs start at once: they are mostly waiting on their child processes.
  const out = join(workDir, "RESULTS.md");
  const invalidOut = join(workDir, "INVALID.md");
  const full = runBench(["--profile", "--out", out]);
  const rejected = runBench(["--sections", "http", "--wrong-secret", "--out", invalidOut]);
  const repeated = runBench(["--sections", "http", "--same-update-id", "--out", invalidOut]);

  test("runs every section, validates it and writes the report", { timeout: 120_000 }, async () => {
    const run = await full;
    expect(run.stderr).not.toContain("INVALID");
    expect(run.code, run.stderr).toBe(0);
    const report = readFileSync(out, "utf8");
    expect(run.stdout).toContain(report.trim());
    for (const heading of [
      "## Targets",
      "## HTTP",
      "## Core pipeline",
      "## Memory",
      "## Emulator",
      "## Secret timing",
    ]) {
      expect(report).toContain(heading);
    }
    for (const server of ["bare", "telehook", "grammy"])
      expect(report).toMatch(new RegExp(`\\| express \\| ${server} \\|`));
    expect(report).toMatch(
      /\| express: telehook ≥ 0\.95× the bare route's req\/s \| [\d.]+× \| (PASS|MISS) \|/,
    );
    // Express with the Redis store, beside the memory store (redis-server from PATH or TELEHOOK_REDIS_URL).
    expect(report).toMatch(/\| express\/telehook, Redis store \| [\d,]+ \|/);
    expect(report).toMatch(/\| express: the Redis store ≤ 2 round trips per update \| 2\.00 \| PASS \|/);
    // The core section shows the cost of stats: true and of openTelemetry() beside the default (no listener).
    expect(report).toMatch(/\| `stats: true`, Uint8Array \| [\d.]+ \| [\d.]+ \| [\d.]+× \|/);
    expect(report).toMatch(/\| `openTelemetry\(\)`, no-op SDK, Uint8Array \| [\d.]+ \| [\d.]+ \| [\d.]+× \|/);
    expect(report).toContain("The heap stays bounded.");
    // A busy host slows the whole virtual machine: the report says how much CPU the hypervisor took.
    expect(report).toMatch(/\| CPU stolen by the hypervisor during the HTTP rounds \| median [\d.]+ %/);
    // The secret-timing control is an early-exit comparison: the statistic must see it, or it sees nothing.
    expect(report).toContain("The control was detected");
    // --profile: both express servers and the core were profiled, with telehook's code found by name.
    expect(report).toContain("### express: CPU per request, bare route and telehook");
    expect(report).toContain("### Core pipeline alone");
    expect(report).toMatch(/\| telehook core \| [\d.]+ \| [\d.]+ \|/);
  });

  test("counts each server's instructions per request under callgrind", { timeout: 150_000 }, async () => {
    // After the runs above, which it would otherwise slow down: valgrind makes a server fifty times slower.
    await Promise.all([full, rejected, repeated]);
    const countedOut = join(workDir, "INSTRUCTIONS.md");
    const run = await runBench(
      ["--sections", "instructions", "--frameworks", "node", "--out", countedOut],
      140_000,
    );
    expect(run.code, run.stderr).toBe(0);
    const report = readFileSync(countedOut, "utf8");
    expect(report).toContain("## Instructions per request (callgrind)");
    const row = /\| node \| ([\d,]+) \| ([\d,]+) \| ([\d.]+)× \| not measured \|/.exec(report);
    expect(row, report).not.toBeNull();
    // What a request costs is far above the few instructions an empty or misread dump would give.
    const [bare, telehook] = [row?.[1], row?.[2]].map((count) => Number(count?.replaceAll(",", "")));
    expect(bare).toBeGreaterThan(20_000);
    expect(telehook).toBeGreaterThan(20_000);
    expect(Number(row?.[3])).toBeCloseTo((telehook as number) / (bare as number), 2);
  });

  test("fails loudly, and writes nothing, when the servers reject the requests", {
    timeout: 120_000,
  }, async () => {
    const run = await rejected;
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("INVALID benchmark: express/bare, warm-up 1");
    expect(run.stderr).toContain('statuses {"401":200}');
    expect(existsSync(invalidOut)).toBe(false);
  });

  test("fails when updates are answered without reaching the bot (one update_id over and over)", {
    timeout: 120_000,
  }, async () => {
    const run = await repeated;
    expect(run.code).toBe(1);
    // The bare route has no dedupe and passes; telehook answers the copies from its dedupe window.
    expect(run.stderr).toContain("warmed up express/bare");
    expect(run.stderr).toContain(
      "INVALID benchmark: express/telehook, warm-up 1: the server's handler counted 1 updates for 200 200 responses",
    );
    expect(existsSync(invalidOut)).toBe(false);
  });
});
