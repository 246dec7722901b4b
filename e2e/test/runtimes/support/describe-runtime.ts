import {
  CONFORMANCE_SECRET,
  describeFramingConformance,
  describeWebhookConformance,
  type FramingDifferences,
  sampleUpdate,
  sendOverHttp,
  telegramHeaders,
} from "@telehook/testing/conformance";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { HookServer, mountRemote, remoteHarness, remoteStart } from "./remote-harness.js";
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
  describeWebhookConformance(`createFetchHandler on ${runtime}`, remoteHarness(started, hooks, "fetch"));
  describeWebhookConformance(`hono on ${runtime}`, remoteHarness(started, hooks, "hono"));
  // Framing is the runtime's HTTP server and the web Request, the same under Hono: once per runtime.
  const differences = DIFFERENCES[runtime];
  describeFramingConformance(
    `createFetchHandler on ${runtime}`,
    remoteStart(started, hooks, "fetch"),
    differences,
  );
  // Workers have no peer address to give (only the edge's headers), so this is for Bun and Deno.
  if (runtime !== "workerd") describePeerAddress(runtime, started, hooks);
}

/** The runtime's peer address reaches the `sourceIp` allowlist through the fetch handler's context. */
function describePeerAddress(runtime: RuntimeName, started: () => RuntimeServer, hooks: HookServer): void {
  describe(`createFetchHandler on ${runtime}: the peer's address`, () => {
    test.each([
      ["allows a request from an allowed range", ["127.0.0.0/8"], 200],
      ["refuses a request from outside the ranges", ["149.154.160.0/20"], 403],
    ])("%s", async (_, allow, status) => {
      const remote = await mountRemote(started(), hooks, "fetch", {
        secretToken: CONFORMANCE_SECRET,
        sourceIp: { allow },
        onUpdate: () => {},
      });
      try {
        const response = await sendOverHttp(remote.url, {
          method: "POST",
          headers: telegramHeaders(),
          body: JSON.stringify(sampleUpdate(1)),
        });
        expect(response.status).toBe(status);
      } finally {
        await remote.close({ timeoutMs: 0 });
        remote.forget();
      }
    });
  });
}
