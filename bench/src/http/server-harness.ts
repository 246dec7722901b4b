import { writeFileSync } from "node:fs";
import type { Server } from "node:http";
import { Session } from "node:inspector";
import type { AddressInfo } from "node:net";
import { bindToParent } from "../child.js";

/** What a benchmark server reports after each round. */
export interface ServerStats {
  readonly type: "stats";
  /** Updates the bot's handler ran for, since the process started. */
  readonly handled: number;
  /** Resident set size now, in bytes. */
  readonly rss: number;
  /** The peak resident set size so far, in bytes. */
  readonly maxRss: number;
  /** CPU time used so far (user + system), in microseconds. */
  readonly cpuMicros: number;
}

export interface ReadyMessage {
  readonly type: "ready";
  readonly port: number;
}

/** Set to "1" in a server's environment when it runs many times slower than usual (under valgrind). */
export const SLOW_SERVER_ENV = "TELEHOOK_BENCH_SLOW_SERVER";

let handled = 0;

/** The bot's whole work in every server: count the update. The same for bare, telehook and grammY. */
export function countUpdate(): void {
  handled++;
}

/**
 * Runs a benchmark server in this child process: once the server listens on 127.0.0.1, the port goes to the
 * parent; then the parent asks for `stats` after each round and finally says `close`. Between
 * `profile-start` and `profile-stop` the V8 CPU profiler samples the process, so a profile covers one round
 * and nothing else. The process ends when the parent goes away.
 */
export function serveBenchmark(server: Server): void {
  bindToParent();
  // Under valgrind (the instructions section) a server stops for seconds while V8 compiles, and Node's 5 s
  // keep-alive timeout would then close connections whose next request is already waiting. A longer one
  // costs the same: the timer is set after every answer either way.
  if (process.env[SLOW_SERVER_ENV] === "1") server.keepAliveTimeout = 600_000;
  const announce = () => {
    const { port } = server.address() as AddressInfo;
    process.send?.({ type: "ready", port } satisfies ReadyMessage);
  };
  if (server.listening) announce();
  else server.once("listening", announce);
  process.on("message", (message: { type?: string }) => {
    if (message.type === "stats") {
      const cpu = process.cpuUsage();
      process.send?.({
        type: "stats",
        handled,
        rss: process.memoryUsage.rss(),
        maxRss: process.resourceUsage().maxRSS * 1024,
        cpuMicros: cpu.user + cpu.system,
      } satisfies ServerStats);
    } else if (message.type === "profile-start") {
      startProfile().then(() => process.send?.({ type: "profile-started" }));
    } else if (message.type === "profile-stop") {
      const { file } = message as { file: string };
      stopProfile(file).then(() => process.send?.({ type: "profile-stopped" }));
    } else if (message.type === "close") {
      server.closeAllConnections();
      server.close();
      // process.exit still writes a --cpu-prof profile.
      process.exit(0);
    }
  });
}

let session: Session | undefined;

function post(method: string, params?: object): Promise<unknown> {
  return new Promise((resolve, reject) => {
    session?.post(method, params ?? {}, (error, result) => (error ? reject(error) : resolve(result)));
  });
}

async function startProfile(): Promise<void> {
  session = new Session();
  session.connect();
  await post("Profiler.enable");
  await post("Profiler.setSamplingInterval", { interval: 500 });
  await post("Profiler.start");
}

async function stopProfile(file: string): Promise<void> {
  const { profile } = (await post("Profiler.stop")) as { profile: unknown };
  writeFileSync(file, JSON.stringify(profile));
  session?.disconnect();
  session = undefined;
}
