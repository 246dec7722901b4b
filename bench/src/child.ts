import { type ChildProcess, execFileSync, fork, spawn } from "node:child_process";
import { cpus } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** The bench package's directory; this file is `src/child.ts` or its build `dist/child.js`. */
export const BENCH_ROOT = dirname(dirname(fileURLToPath(import.meta.url)));

/**
 * `dist`: the bench was compiled with tsc and imports the workspace packages' built `dist` (the real runs).
 * `source`: it runs from TypeScript through tsx, against the packages' sources (the smoke test only; tsx
 * wraps functions, so such numbers mean nothing).
 */
export const RUN_MODE: "dist" | "source" = import.meta.url.endsWith(".ts") ? "source" : "dist";

/** How to start one of the bench's modules in its own process, in the mode this process runs in. */
export function moduleEntry(name: string): { file: string; execArgv: string[] } {
  if (RUN_MODE === "dist") return { file: join(BENCH_ROOT, "dist", `${name}.js`), execArgv: [] };
  return {
    file: join(BENCH_ROOT, "src", `${name}.ts`),
    execArgv: ["--import", "tsx", "--conditions=@telehook/source"],
  };
}

/** A child process started with an IPC channel, and the means to wait for its messages. */
export interface Child {
  readonly process: ChildProcess;
  /** Resolves with the next message for which `accept` returns true; rejects on exit or after `timeoutMs`. */
  next<T>(accept: (message: unknown) => message is T, timeoutMs: number, what: string): Promise<T>;
  send(message: unknown): void;
  /** Resolves with the exit code once the process is gone; kills it after `timeoutMs`. */
  exited(timeoutMs: number): Promise<number | null>;
  kill(): void;
}

const live = new Set<ChildProcess>();

/** Kills every child still running: the bench never leaves a process behind, even when it fails. */
export function killAllChildren(): void {
  for (const child of live) child.kill("SIGKILL");
  live.clear();
}

/**
 * Starts a bench module in its own Node process with IPC. Its stderr is passed through; its stdout too,
 * unless `quiet`. Extra `execArgv` (e.g. `--expose-gc`, `--cpu-prof`) go before the module. A `wrapper`
 * command (valgrind, say) runs Node; `cpu` pins the process to one CPU.
 */
export function startChild(
  name: string,
  {
    args = [],
    execArgv = [],
    quiet = false,
    cpu,
    wrapper = [],
  }: {
    args?: string[];
    execArgv?: string[];
    quiet?: boolean;
    cpu?: number | undefined;
    wrapper?: readonly string[];
  } = {},
): Child {
  const entry = moduleEntry(name);
  const stdio = ["ignore", quiet ? "ignore" : "inherit", "inherit", "ipc"] as const;
  const nodeArgs = [...entry.execArgv, ...execArgv, entry.file, ...args];
  // taskset and valgrind run node in the same process, which keeps the IPC channel (NODE_CHANNEL_FD) that
  // spawn sets up.
  const [command, ...prefix] = [...(cpu === undefined ? [] : ["taskset", "-c", String(cpu)]), ...wrapper];
  const child =
    command === undefined
      ? fork(entry.file, args, {
          cwd: BENCH_ROOT,
          execArgv: [...entry.execArgv, ...execArgv],
          stdio: [...stdio],
        })
      : spawn(command, [...prefix, process.execPath, ...nodeArgs], { cwd: BENCH_ROOT, stdio: [...stdio] });
  live.add(child);
  let exitCode: number | null | undefined;
  const exit = new Promise<number | null>((resolve) => {
    child.once("exit", (code, signal) => {
      live.delete(child);
      exitCode = code ?? (signal ? -1 : null);
      resolve(exitCode);
    });
  });
  child.on("error", () => {});

  return {
    process: child,
    next<T>(accept: (message: unknown) => message is T, timeoutMs: number, what: string): Promise<T> {
      return new Promise<T>((resolve, reject) => {
        const cleanup = () => {
          clearTimeout(timer);
          child.off("message", onMessage);
          child.off("exit", onExit);
        };
        const onMessage = (message: unknown) => {
          if (isFailure(message)) {
            cleanup();
            reject(new Error(`${name} failed while waiting for ${what}: ${message.error}`));
          } else if (accept(message)) {
            cleanup();
            resolve(message);
          }
        };
        const onExit = (code: number | null) => {
          cleanup();
          reject(new Error(`${name} exited (code ${code}) while waiting for ${what}`));
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`${name} did not send ${what} within ${timeoutMs} ms`));
        }, timeoutMs);
        if (exitCode !== undefined) {
          onExit(exitCode);
          return;
        }
        child.on("message", onMessage);
        child.once("exit", onExit);
      });
    },
    send(message) {
      if (child.connected) child.send(message as object);
    },
    async exited(timeoutMs) {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const timeout = new Promise<"timeout">((resolve) => {
        timer = setTimeout(() => resolve("timeout"), timeoutMs);
      });
      const outcome = await Promise.race([exit, timeout]);
      clearTimeout(timer);
      if (outcome !== "timeout") return outcome;
      child.kill("SIGKILL");
      return exit;
    },
    kill() {
      child.kill("SIGKILL");
    },
  };
}

/** What a child sends when it fails: the run must stop and say why. */
export interface FailureMessage {
  readonly type: "failed";
  readonly error: string;
}

function isFailure(message: unknown): message is FailureMessage {
  return (message as FailureMessage | null)?.type === "failed";
}

/** A type guard for an IPC message by its `type`. */
export function messageOfType<T extends { type: string }>(type: T["type"]) {
  return (message: unknown): message is T => (message as { type?: unknown } | null)?.type === type;
}

/**
 * For the child side: exit when the parent goes away, so no process outlives the bench, and report an
 * uncaught failure to the parent before exiting.
 */
export function bindToParent(): void {
  process.on("disconnect", () => process.exit(0));
  const fail = (error: unknown) => {
    const text = error instanceof Error ? (error.stack ?? error.message) : String(error);
    if (process.connected) process.send?.({ type: "failed", error: text } satisfies FailureMessage);
    console.error(text);
    setTimeout(() => process.exit(1), 50);
  };
  process.on("uncaughtException", fail);
  process.on("unhandledRejection", fail);
}

/**
 * Pins this process (all its threads) to the given CPUs with `taskset`, so that on a small machine the load
 * generator and the server under test never share a core by the scheduler's whim. Returns false where
 * taskset is missing or there are fewer than 2 CPUs; then nothing is pinned.
 */
export function pinThisProcess(cpuList: string): boolean {
  if (cpus().length < 2) return false;
  try {
    execFileSync("taskset", ["-a", "-p", "-c", cpuList, String(process.pid)], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

/** Every CPU, as taskset writes the list. */
export function allCpus(): string {
  return `0-${cpus().length - 1}`;
}
