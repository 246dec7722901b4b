/**
 * `pnpm release:dry`: build, pack every workspace package under packages/ once, and check the tarballs a user
 * would download: publint and attw on the packed files, the files list, and a gzip size budget per package.
 * Prints one table and exits non-zero when any package fails. It only packs: nothing here sends anything to
 * a registry, and the control test asserts that no such command appears in this file.
 *
 * Run with `tsx scripts/release-dry.ts` (the root `release:dry` script). The checking functions are exported
 * for e2e/test/release-dry.test.ts.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { publint } from "publint";
import { formatMessage } from "publint/utils";

const PNPM = ["-y", "pnpm@10.34.9"];
export const ROOT = fileURLToPath(new URL("..", import.meta.url));
export const BUDGETS_FILE = join(ROOT, "scripts", "size-budgets.json");

/** Files every tarball must carry besides the entries its package.json names. */
export const REQUIRED_FILES = ["package.json", "README.md", "CHANGELOG.md", "LICENSE"];

/** Files that must never reach a user: tests, secrets, build configuration. */
export const FORBIDDEN_FILES: ReadonlyArray<{ pattern: RegExp; why: string }> = [
  { pattern: /(^|\/)(test|tests|__tests__)\//, why: "a test folder" },
  { pattern: /\.(test|spec)\.[cm]?[jt]sx?$/, why: "a test file" },
  { pattern: /(^|\/)\.env(\.|$)/, why: "an .env file" },
  { pattern: /(^|\/)tsconfig[^/]*\.json$/, why: "a tsconfig" },
];

export interface PackageCheck {
  name: string;
  tarball: string;
  files: string[];
  packedKiB: number;
  budgetKiB: number | undefined;
  /** Problems found in the files list and the size; empty when both are fine. */
  problems: string[];
  publint: { ok: boolean; messages: string[] };
  attw: { ok: boolean; output: string };
  ok: boolean;
}

/** Packs `packageDir` with pnpm (which rewrites `workspace:*` ranges) into `destination`; returns the .tgz path. */
export function packPackage(packageDir: string, destination: string): string {
  const out = execFileSync("npx", [...PNPM, "pack", "--pack-destination", destination, "--json"], {
    cwd: packageDir,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
  });
  const { filename } = JSON.parse(out) as { filename: string };
  return filename;
}

/** Every path named by `exports` (any condition), `main`, `module`, `types` and `bin`, without a leading `./`. */
export function entryFiles(manifest: Record<string, unknown>): string[] {
  const found = new Set<string>();
  const walk = (value: unknown): void => {
    if (typeof value === "string") {
      if (value.startsWith("./") && !value.includes("*")) found.add(value.slice(2));
    } else if (value !== null && typeof value === "object") {
      for (const inner of Object.values(value)) walk(inner);
    }
  };
  walk(manifest.exports);
  for (const field of ["main", "module", "types"]) {
    const value = manifest[field];
    if (typeof value === "string") found.add(value.replace(/^\.\//, ""));
  }
  const bin = manifest.bin;
  if (typeof bin === "string") found.add(bin.replace(/^\.\//, ""));
  else if (bin !== null && typeof bin === "object") {
    for (const value of Object.values(bin))
      if (typeof value === "string") found.add(value.replace(/^\.\//, ""));
  }
  return [...found].sort();
}

/** What is wrong with a tarball's files list: a required file or a named entry missing, or a forbidden file. */
export function filesProblems(files: readonly string[], manifest: Record<string, unknown>): string[] {
  const present = new Set(files);
  const problems: string[] = [];
  for (const file of REQUIRED_FILES) if (!present.has(file)) problems.push(`missing ${file}`);
  for (const file of entryFiles(manifest)) {
    if (!present.has(file)) problems.push(`missing ${file}, named in package.json`);
  }
  for (const file of files) {
    const forbidden = FORBIDDEN_FILES.find(({ pattern }) => pattern.test(file));
    if (forbidden) problems.push(`ships ${file} (${forbidden.why})`);
  }
  return problems;
}

function listFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (current: string): void => {
    for (const entry of readdirSync(current, { withFileTypes: true })) {
      const path = join(current, entry.name);
      if (entry.isDirectory()) walk(path);
      else out.push(relative(dir, path).split("\\").join("/"));
    }
  };
  walk(dir);
  return out.sort();
}

function runAttw(tarball: string): { ok: boolean; output: string } {
  try {
    const output = execFileSync(
      join(ROOT, "node_modules", ".bin", "attw"),
      [tarball, "--profile", "node16", "--format", "ascii", "--no-color", "--no-emoji"],
      { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] },
    );
    return { ok: true, output };
  } catch (error) {
    const failed = error as { stdout?: string; stderr?: string };
    return { ok: false, output: `${failed.stdout ?? ""}${failed.stderr ?? ""}` };
  }
}

/**
 * Checks one packed tarball: unpacks it into a temporary folder, runs publint (strict) on exactly those
 * files, attw with the node16 profile on the tarball, the files list, and the gzip size against `budgetKiB`.
 */
export async function checkTarball(tarball: string, budgetKiB: number | undefined): Promise<PackageCheck> {
  const unpacked = mkdtempSync(join(tmpdir(), "telehook-release-dry-"));
  try {
    execFileSync("tar", ["-xzf", tarball, "-C", unpacked]);
    const packageDir = join(unpacked, "package");
    const files = listFiles(packageDir);
    const manifest = JSON.parse(readFileSync(join(packageDir, "package.json"), "utf8")) as Record<
      string,
      unknown
    >;
    const packedKiB = statSync(tarball).size / 1024;

    const problems = filesProblems(files, manifest);
    if (budgetKiB === undefined) problems.push("no size budget in scripts/size-budgets.json");
    else if (packedKiB > budgetKiB) {
      problems.push(`packed ${packedKiB.toFixed(1)} KiB is over its budget of ${budgetKiB} KiB`);
    }

    const linted = await publint({ pkgDir: packageDir, pack: false, strict: true });
    const publintMessages = linted.messages.map(
      (message) => `${message.type}: ${formatMessage(message, linted.pkg, { color: false }) ?? message.code}`,
    );
    const publintOk = !linted.messages.some((message) => message.type === "error");

    const attw = runAttw(tarball);
    return {
      name: String(manifest.name),
      tarball,
      files,
      packedKiB,
      budgetKiB,
      problems,
      publint: { ok: publintOk, messages: publintMessages },
      attw,
      ok: problems.length === 0 && publintOk && attw.ok,
    };
  } finally {
    rmSync(unpacked, { recursive: true, force: true });
  }
}

/** The budgets file: package name → gzip size budget in KiB. */
export function readBudgets(file = BUDGETS_FILE): Record<string, number> {
  const parsed = JSON.parse(readFileSync(file, "utf8")) as { budgetsKiB: Record<string, number> };
  return parsed.budgetsKiB;
}

/** The workspace folders whose package is not private: the ones users install. */
export function releasedPackageDirs(root = ROOT): string[] {
  const packagesDir = join(root, "packages");
  return readdirSync(packagesDir)
    .map((name) => join(packagesDir, name))
    .filter((dir) => {
      try {
        const manifest = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as { private?: boolean };
        return manifest.private !== true;
      } catch {
        return false;
      }
    })
    .sort();
}

/** One line per package, then the details of every failure. */
export function formatReport(checks: readonly PackageCheck[]): string {
  const header = ["package", "files", "packed KiB", "budget KiB", "publint", "attw", "verdict"];
  const rows = checks.map((check) => [
    check.name,
    String(check.files.length),
    check.packedKiB.toFixed(1),
    check.budgetKiB === undefined ? "-" : String(check.budgetKiB),
    check.publint.ok ? "ok" : "FAIL",
    check.attw.ok ? "ok" : "FAIL",
    check.ok ? "ok" : "FAIL",
  ]);
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => row[column]?.length ?? 0)),
  );
  const line = (cells: string[]) => cells.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join("  ");
  const out = [line(header), line(widths.map((width) => "-".repeat(width))), ...rows.map(line)];
  for (const check of checks) {
    if (check.ok) continue;
    out.push("", `${check.name}:`);
    for (const problem of check.problems) out.push(`  ${problem}`);
    if (!check.publint.ok) for (const message of check.publint.messages) out.push(`  publint ${message}`);
    if (!check.attw.ok) out.push(check.attw.output.trimEnd().replace(/^/gm, "  attw "));
  }
  return out.join("\n");
}

async function main(): Promise<void> {
  const skipBuild = process.argv.includes("--no-build");
  if (!skipBuild) execFileSync("npx", [...PNPM, "run", "build"], { cwd: ROOT, stdio: "inherit" });
  const budgets = readBudgets();
  const destination = mkdtempSync(join(tmpdir(), "telehook-packs-"));
  try {
    const checks: PackageCheck[] = [];
    for (const dir of releasedPackageDirs()) {
      const tarball = packPackage(dir, destination);
      const name = (JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as { name: string }).name;
      checks.push(await checkTarball(tarball, budgets[name]));
    }
    console.log(formatReport(checks));
    const failed = checks.filter((check) => !check.ok).length;
    console.log(
      failed === 0 ? `\nall ${checks.length} packages ok` : `\n${failed} of ${checks.length} failed`,
    );
    process.exitCode = failed === 0 ? 0 : 1;
  } finally {
    rmSync(destination, { recursive: true, force: true });
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  await main();
}
