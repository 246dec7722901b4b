import { describeWebhookConformance } from "@telehook/testing/conformance";
import { afterAll, beforeAll } from "vitest";
import { HookServer, remoteHarness } from "./remote-harness.js";
import { type RuntimeName, type RuntimeServer, startRuntime } from "./runtime-server.js";

const ENTRIES: Record<RuntimeName, string> = { bun: "bun.ts", deno: "deno.ts", workerd: "worker.ts" };

/**
 * Serves the remote webhook app on `runtime` (one process for the file) and runs the conformance suite
 * against `createFetchHandler` and the Hono adapter there, over HTTP from Node.
 */
export function describeRuntimeConformance(runtime: RuntimeName): void {
  const hooks = new HookServer();
  let server: RuntimeServer | undefined;
  beforeAll(async () => {
    await hooks.start();
    server = await startRuntime(runtime, ENTRIES[runtime]);
  }, 60_000);
  afterAll(async () => {
    await server?.stop();
    await hooks.stop();
  });
  const started = () => {
    if (!server) throw new Error(`${runtime} did not start: see the error of beforeAll`);
    return server;
  };
  describeWebhookConformance(`createFetchHandler on ${runtime}`, remoteHarness(started, hooks, "fetch"));
  describeWebhookConformance(`hono on ${runtime}`, remoteHarness(started, hooks, "hono"));
}
