import { type ChildProcess, spawn } from "node:child_process";
import { accessSync, constants, mkdtempSync, rmSync } from "node:fs";
import { connect, createServer } from "node:net";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";

/** A Redis server for tests: one this process started, or the one `TELEHOOK_REDIS_URL` names. */
export interface TestRedis {
  /** `redis://127.0.0.1:<port>` (or `TELEHOOK_REDIS_URL`). */
  readonly url: string;
  /** The host of `url`. */
  readonly host: string;
  /** The port of `url`. */
  readonly port: number;
  /** This process started the server (it can stop and restart it), rather than `TELEHOOK_REDIS_URL`. */
  readonly own: boolean;
  /** The started server's process id. */
  readonly pid: number | undefined;
  /** Stops the server (SIGTERM, then SIGKILL) and starts it again on the same port and folder. */
  restart(options?: {
    /** How long the server stays down between the stop and the start, in milliseconds. Default 0. */
    readonly downMs?: number;
  }): Promise<void>;
  /** Stops the server this process started and removes its folder; does nothing to an external one. */
  stop(): Promise<void>;
}

/** Options of {@link startTestRedis}. */
export interface TestRedisOptions {
  /**
   * Keep the data across `restart()` (an append-only file, fsync on every write), as a production Redis
   * with persistence does. Otherwise nothing is written to disk (`--save "" --appendonly no`).
   * @default false
   */
  persistence?: boolean;
}

const MISSING =
  "@telehook/testing: the Redis tests need a Redis 6.2+ server. Install redis-server so that it is on PATH " +
  "(Debian: apt-get install redis-server), or set TELEHOOK_REDIS_URL to the URL of a server they may use " +
  "(its keys are written under a random prefix).";

/** Finds `redis-server` on PATH. */
function findRedisServer(): string | undefined {
  for (const dir of (process.env.PATH ?? "").split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, "redis-server");
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {}
  }
  return undefined;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  const port = typeof address === "object" && address !== null ? address.port : 0;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Resolves once the server answers PING, or rejects after `timeoutMs`. */
async function waitForPong(port: number, timeoutMs: number, exited: () => string | undefined): Promise<void> {
  const until = performance.now() + timeoutMs;
  for (;;) {
    const gone = exited();
    if (gone) throw new Error(`@telehook/testing: redis-server exited before answering: ${gone}`);
    const pong = await new Promise<boolean>((resolve) => {
      const socket = connect(port, "127.0.0.1");
      const done = (ok: boolean) => {
        socket.destroy();
        resolve(ok);
      };
      socket.setTimeout(500, () => done(false));
      socket.on("error", () => done(false));
      socket.on("connect", () => socket.write("PING\r\n"));
      socket.on("data", (chunk) => done(chunk.toString("latin1").startsWith("+PONG")));
    });
    if (pong) return;
    if (performance.now() > until) {
      throw new Error(`@telehook/testing: redis-server did not answer PING within ${timeoutMs} ms`);
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/**
 * Starts a `redis-server` from PATH on a random loopback port, in a temporary folder, without persistence
 * unless asked; stop it with `stop()` (it is also killed when this process exits). With
 * `TELEHOOK_REDIS_URL` set, uses that server instead and starts nothing. With neither, throws an error
 * that names both: the Redis tests fail rather than skip.
 */
export async function startTestRedis(options: TestRedisOptions = {}): Promise<TestRedis> {
  const external = process.env.TELEHOOK_REDIS_URL;
  if (external) {
    const parsed = new URL(external);
    return {
      url: external,
      host: parsed.hostname,
      port: Number(parsed.port || 6379),
      own: false,
      pid: undefined,
      restart: () =>
        Promise.reject(new Error("@telehook/testing: cannot restart the server TELEHOOK_REDIS_URL names")),
      stop: async () => {},
    };
  }
  const binary = findRedisServer();
  if (!binary) throw new Error(MISSING);
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), "telehook-redis-"));
  const args = [
    "--port",
    String(port),
    "--bind",
    "127.0.0.1",
    "--dir",
    dir,
    "--save",
    "",
    "--daemonize",
    "no",
    "--loglevel",
    "warning",
    ...(options.persistence ? ["--appendonly", "yes", "--appendfsync", "always"] : ["--appendonly", "no"]),
  ];
  let child: ChildProcess | undefined;
  let exit: string | undefined;
  let output = "";
  const killOnExit = () => child?.kill("SIGKILL");
  process.once("exit", killOnExit);

  const launch = async () => {
    exit = undefined;
    output = "";
    const started = spawn(binary, args, { stdio: ["ignore", "pipe", "pipe"] });
    child = started;
    started.stdout?.on("data", (chunk: Buffer) => {
      output += chunk;
    });
    started.stderr?.on("data", (chunk: Buffer) => {
      output += chunk;
    });
    started.once("exit", (code, signal) => {
      exit = `${code ?? signal} ${output.slice(-500)}`;
    });
    started.once("error", (error) => {
      exit = error.message;
    });
    await waitForPong(port, 10_000, () => exit);
  };
  const halt = async () => {
    const running = child;
    child = undefined;
    if (!running || running.exitCode !== null || running.signalCode !== null) return;
    const gone = new Promise<void>((resolve) => running.once("exit", () => resolve()));
    running.kill("SIGTERM");
    const timer = setTimeout(() => running.kill("SIGKILL"), 5000);
    await gone;
    clearTimeout(timer);
  };

  await launch();
  return {
    url: `redis://127.0.0.1:${port}`,
    host: "127.0.0.1",
    port,
    own: true,
    get pid() {
      return child?.pid;
    },
    async restart({ downMs = 0 } = {}) {
      await halt();
      if (downMs > 0) await new Promise((resolve) => setTimeout(resolve, downMs));
      await launch();
    },
    async stop() {
      await halt();
      process.off("exit", killOnExit);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
