import { type ChildProcess, fork } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { ServerConfig, ServerMessage } from "./webhook-server.js";

const HERE = dirname(fileURLToPath(import.meta.url));
const ENTRY = join(HERE, "webhook-server.ts");
/** The repository root: tsx is resolved from there. */
export const REPO_ROOT = join(HERE, "..", "..", "..", "..");

/** What `measure()` tells. */
export interface ServerMeasure {
  readonly heapUsed: number;
  readonly loopDelayMaxMs: number;
  readonly loopDelayP99Ms: number;
  readonly cpuMs: number;
}

/** A webhook server running in its own process (see `webhook-server.ts`). */
export interface ServerProcess {
  readonly pid: number;
  readonly port: number;
  /** Everything it wrote to stdout and stderr so far. */
  output(): string;
  /** Resolves once every onUpdate run it started has finished. */
  drain(timeoutMs?: number): Promise<void>;
  /**
   * heapUsed after forced full collections (NaN without --expose-gc), with the event-loop delay and CPU time
   * since the previous call.
   */
  measure(): Promise<ServerMeasure>;
  /** SIGKILL: no drain, no answer to requests in flight. Resolves when it is gone. */
  kill(): Promise<void>;
  /** SIGTERM: the graceful shutdown. Resolves with its exit code. */
  stop(timeoutMs?: number): Promise<number | null>;
  /** Resolves with the exit code when it exits, for whatever reason. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Starts the server process and waits until it listens. */
export async function startServerProcess(
  config: ServerConfig,
  startTimeoutMs = 20_000,
): Promise<ServerProcess> {
  const child: ChildProcess = fork(ENTRY, [JSON.stringify(config)], {
    cwd: REPO_ROOT,
    execArgv: ["--conditions=@telehook/source", "--import", "tsx", "--expose-gc", "--no-flush-bytecode"],
    stdio: ["ignore", "pipe", "pipe", "ipc"],
  });
  let output = "";
  child.stdout?.on("data", (chunk: Buffer) => {
    output += chunk;
  });
  child.stderr?.on("data", (chunk: Buffer) => {
    output += chunk;
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once("exit", (code, signal) => resolve({ code, signal })),
  );
  let nextId = 1;
  const waiting = new Map<number, (message: ServerMessage) => void>();
  child.on("message", (message: ServerMessage) => {
    if ("id" in message) {
      waiting.get(message.id)?.(message);
      waiting.delete(message.id);
    }
  });
  const ask = (type: "drain" | "heap", timeoutMs: number) =>
    new Promise<ServerMessage>((resolve, reject) => {
      const id = nextId++;
      const timer = setTimeout(() => {
        waiting.delete(id);
        reject(new Error(`the server process did not answer "${type}" within ${timeoutMs} ms\n${output}`));
      }, timeoutMs);
      waiting.set(id, (message) => {
        clearTimeout(timer);
        resolve(message);
      });
      child.send({ type, id });
    });

  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`the server process did not start within ${startTimeoutMs} ms\n${output}`));
    }, startTimeoutMs);
    child.on("message", (message: ServerMessage) => {
      if (message.type === "ready") {
        clearTimeout(timer);
        resolve(message.port);
      }
    });
    void exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`the server process exited (${code ?? signal}) before listening\n${output}`));
    });
  });

  return {
    pid: child.pid ?? 0,
    port,
    output: () => output,
    exited,
    async drain(timeoutMs = 30_000) {
      await ask("drain", timeoutMs);
    },
    async measure() {
      const reply = await ask("heap", 30_000);
      if (reply.type !== "heap") throw new Error("unexpected reply");
      const { type: _type, id: _id, ...measure } = reply;
      return measure;
    },
    async kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
      await exited;
    },
    async stop(timeoutMs = 20_000) {
      if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
      const { code } = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}
