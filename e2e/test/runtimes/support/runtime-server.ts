import { type ChildProcess, spawn } from "node:child_process";
import { readFile, rm } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { Miniflare } from "miniflare";
import { bundleApp } from "./bundle.js";

/** A runtime serving a bundled app on a random 127.0.0.1 port, in its own process. */
export interface RuntimeServer {
  /** e.g. `http://127.0.0.1:41234` */
  readonly url: string;
  /** Everything the runtime printed, for the error message when it fails. */
  output(): string;
  stop(): Promise<void>;
}

export type RuntimeName = "bun" | "deno" | "workerd";

const require = createRequire(import.meta.url);

/**
 * The runtime's binary, as its npm package installed it from its platform package (`@oven/bun-*`,
 * `@deno/*`). Deno's own resolver finds it without the package's postinstall.
 */
function binary(name: "bun" | "deno"): string {
  if (name === "deno") return (require("deno/install_api.cjs") as { runInstall(): string }).runInstall();
  return join(dirname(require.resolve("bun/package.json")), "bin", "bun.exe");
}

/**
 * Bundles `entry` (a file of `../app/`) and serves it on `runtime`. Bun and Deno run the bundle as a child
 * process that prints its port; workerd runs it through Miniflare, which starts a workerd process.
 */
export async function startRuntime(runtime: RuntimeName, entry: string): Promise<RuntimeServer> {
  const script = await bundleApp(entry);
  if (runtime === "workerd") {
    const mf = new Miniflare({
      // The bundle is one module, given by contents: workerd refuses paths outside its working directory.
      modules: [{ type: "ESModule", path: "worker.js", contents: await readFile(script, "utf8") }],
      compatibilityDate: "2025-09-01",
      host: "127.0.0.1",
      // The fallback request.cf, not the one Miniflare would download.
      cf: false,
      port: 0,
    });
    const url = await mf.ready;
    return {
      url: url.origin,
      output: () => "",
      stop: () => mf.dispose().finally(() => removeBundle(script)),
    };
  }
  const [command, args] =
    runtime === "bun"
      ? [binary("bun"), ["run", script]]
      : [binary("deno"), ["run", "--allow-net", "--no-prompt", script]];
  const child = spawn(command, args, {
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, NO_COLOR: "1", DENO_NO_UPDATE_CHECK: "1", DO_NOT_TRACK: "1" },
  });
  const server = await listening(runtime, child);
  return { ...server, stop: () => server.stop().finally(() => removeBundle(script)) };
}

function removeBundle(script: string): Promise<void> {
  return rm(dirname(script), { recursive: true, force: true });
}

function listening(runtime: string, child: ChildProcess): Promise<RuntimeServer> {
  let output = "";
  const stop = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once("exit", () => resolve());
      child.kill("SIGKILL");
    });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      void stop();
      reject(new Error(`${runtime} did not start within 20 s. Output:\n${output}`));
    }, 20_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString("utf8");
      const port = /listening on (\d+)/.exec(output)?.[1];
      if (port) {
        clearTimeout(timer);
        resolve({ url: `http://127.0.0.1:${port}`, output: () => output, stop });
      }
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", onData);
    child.once("error", (error) => {
      clearTimeout(timer);
      reject(new Error(`${runtime} could not be started: ${error.message}`));
    });
    child.once("exit", (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`${runtime} exited (${code ?? signal}) before listening. Output:\n${output}`));
    });
  });
}
