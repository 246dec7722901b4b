// `pnpm bench`: builds what is measured, then runs the benchmarks on the built code (never through tsx, whose
// wrappers distort hot paths). Arguments are passed on: `pnpm bench --help`.
import { spawnSync } from "node:child_process";
import { loadavg } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

// Before the build, which loads the machine itself: this is the figure that says whether it was quiet.
const loadBefore = loadavg()
  .map((n) => n.toFixed(2))
  .join(",");
const bench = dirname(fileURLToPath(import.meta.url));
const root = dirname(bench);
const pnpm = ["-y", "pnpm@10.34.9"];

function run(command, args, cwd) {
  const result = spawnSync(command, args, { cwd, stdio: ["ignore", "inherit", "inherit"] });
  return result.status ?? 1;
}

function quietly(command, args, cwd) {
  const result = spawnSync(command, args, { cwd, encoding: "utf8" });
  return { status: result.status ?? 1, output: `${result.stdout}${result.stderr}` };
}

// Every adapter of the hosts list (@telehook/hosts, in e2e/hosts), the list itself, and the store and
// instrumentation packages the Redis and OpenTelemetry rows use.
const required = [
  "@telehook/core",
  "@telehook/node",
  "@telehook/express",
  "@telehook/hono",
  "@telehook/koa",
  "@telehook/fastify",
  "@telehook/aws-lambda",
  "@telehook/hosts",
  "@telehook/redis",
  "@telehook/opentelemetry",
];
console.error(`bench: building ${required.join(", ")}`);
const filters = required.flatMap((name) => ["--filter", name]);
if (run("npx", [...pnpm, "-r", ...filters, "build"], root) !== 0) {
  console.error("bench: the packages did not build; nothing was measured.");
  process.exit(1);
}

// The emulator is measured only if @telehook/testing builds.
const args = process.argv.slice(2);
// Only the standard run, with no options, writes bench/RESULTS.md. Any other --out is relative to where the
// command was typed (pnpm says where in INIT_CWD), not to bench/, where the run happens.
if (args.length === 0) args.push("--out", join(bench, "RESULTS.md"));
const typedIn = (path) => resolve(process.env.INIT_CWD ?? process.cwd(), path);
for (const [i, arg] of args.entries()) {
  if (arg === "--out" && args[i + 1] !== undefined) args[i + 1] = typedIn(args[i + 1]);
  else if (arg.startsWith("--out=")) args[i] = `--out=${typedIn(arg.slice("--out=".length))}`;
}
console.error("bench: building @telehook/testing (for the emulator section)");
const testing = quietly("npx", [...pnpm, "--filter", "@telehook/testing", "build"], root);
if (testing.status !== 0) {
  const error = testing.output.split("\n").find((line) => /error/i.test(line)) ?? "see its build output";
  console.error(
    `bench: @telehook/testing did not build, so the emulator is not measured:\n  ${error.trim()}`,
  );
  args.push(
    "--emulator-unavailable",
    `@telehook/testing did not build (${error.replace(/^.*?build: /, "").trim()})`,
  );
}

console.error("bench: compiling the bench");
if (run("npx", ["tsc", "-p", "tsconfig.build.json"], bench) !== 0) process.exit(1);

args.push("--load-before-build", loadBefore);
process.exit(run(process.execPath, [join(bench, "dist", "main.js"), ...args], bench));
