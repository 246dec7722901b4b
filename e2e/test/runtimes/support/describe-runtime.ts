import {
  describeFramingConformance,
  describeWebhookConformance,
  type FramingDifferences,
} from "@telehook/testing/conformance";
import { afterAll, beforeAll } from "vitest";
import { HookServer, remoteHarness, remoteStart } from "./remote-harness.js";
import { type RuntimeName, type RuntimeServer, startRuntime } from "./runtime-server.js";

const ENTRIES: Record<RuntimeName, string> = { bun: "bun.ts", deno: "deno.ts", workerd: "worker.ts" };

/** What each runtime's own HTTP server does in another (still safe) way; the framing suite checks the rest. */
const DIFFERENCES: Record<RuntimeName, FramingDifferences> = {
  bun: { hugeBodyRefusedByServer: "Bun.serve refuses a body over its maxRequestBodySize (128 MiB) itself" },
  deno: { connectionHeldAfterAnswer: "Deno.serve reads the declared body to its end before it closes" },
  workerd: {
    largeHeadersAccepted: "workerd takes request headers up to 128 KiB",
    unreadBodyDrained:
      "workerd reads a request body the worker left unread before it answers the next request",
  },
};

/**
 * Serves the remote webhook app on `runtime` (one process for the file) and runs the conformance suite
 * against `createFetchHandler` and the Hono adapter there, and the framing suite against the first, over HTTP
 * from Node.
 */
export function describeRuntimeConformance(runtime: RuntimeName): void {
  const hooks = new HookServer();
  let server: RuntimeServer | undefined;
  let failure: unknown;
  beforeAll(async () => {
    await hooks.start();
    // A runtime that cannot start fails every test with its error, rather than leaving them skipped.
    server = await startRuntime(runtime, ENTRIES[runtime]).catch((error: unknown) => {
      failure = error;
      return undefined;
    });
  }, 60_000);
  afterAll(async () => {
    await server?.stop();
    await hooks.stop();
  });
  const started = () => {
    if (!server) throw new Error(`${runtime} did not start`, { cause: failure });
    return server;
  };
  // Bun and Deno give the fetch handler the TCP peer (app/bun.ts, app/deno.ts), which the suite's sourceIp
  // case then checks. Workers have no peer address to give, only the edge's headers.
  const peer = runtime === "workerd" ? undefined : "127.0.0.1";
  describeWebhookConformance(
    `createFetchHandler on ${runtime}`,
    remoteHarness(started, hooks, "fetch", peer),
  );
  describeWebhookConformance(`hono on ${runtime}`, remoteHarness(started, hooks, "hono"));
  // Framing is the runtime's HTTP server and the web Request, the same under Hono: once per runtime.
  const differences = DIFFERENCES[runtime];
  describeFramingConformance(
    `createFetchHandler on ${runtime}`,
    remoteStart(started, hooks, "fetch"),
    differences,
  );
}
