import { createServer, type IncomingMessage, type Server } from "node:http";
import {
  createMemoryStore,
  createWebhookHandler,
  type DeliveryStore,
  type WebhookHandler,
} from "@telehook/core";
import { createTelegramEmulator, listenOnLoopback, type TelegramEmulator, updates } from "@telehook/testing";
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { run } from "./cli-io.js";

// `telehook check --health URL`: getWebhookInfo from the emulator beside handler.stats() read from a real
// webhook server on 127.0.0.1, which the emulator delivers to.

const SECRET = "cli-health_AAAAAAAAAAAAAAAAAAAAAAAAAA";
let emulator: TelegramEmulator;
let server: Server;
let closeServer: () => Promise<void>;
let handler: WebhookHandler;
let base: string;
let env: Record<string, string>;
let storeDown = false;
let release: () => void = () => {};
const outputs: string[] = [];

const readBody = async (req: IncomingMessage) => {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
};

beforeEach(async () => {
  emulator = await createTelegramEmulator({ setWebhookRateLimitMs: 0 });
  storeDown = false;
  const memory = createMemoryStore();
  const store: DeliveryStore = {
    ...memory,
    claim: (claim) => (storeDown ? Promise.reject(new Error("connection refused")) : memory.claim(claim)),
  };
  handler = createWebhookHandler({
    secretToken: SECRET,
    stats: true,
    store,
    deadlineMs: 50,
    onError: () => {},
    onUpdate: (update) =>
      update.message?.text === "hold"
        ? new Promise<void>((resolve) => {
            release = resolve;
          })
        : undefined,
  });
  server = createServer(async (req, res) => {
    if (req.url === "/health") {
      const stats = handler.stats();
      res.writeHead(stats.store.healthy ? 200 : 503, { "content-type": "application/json" });
      res.end(JSON.stringify(stats));
      return;
    }
    if (req.url === "/not-json") {
      res.writeHead(200, { "content-type": "text/html" }).end("<html>hello</html>");
      return;
    }
    const body = await readBody(req);
    const header = (name: string) => req.headers[name] as string | undefined;
    const result = await handler.handle({ method: req.method ?? "GET", header, body });
    res.writeHead(result.status, result.headers).end(result.body);
  });
  ({ url: base, close: closeServer } = await listenOnLoopback(server));
  env = { TELEGRAM_BOT_TOKEN: emulator.token, TELEGRAM_API_ROOT: emulator.apiRoot, WEBHOOK_SECRET: SECRET };
  expect((await cli(["set", "--url", `${base}/telegram`])).code).toBe(0);
});

afterEach(async () => {
  release();
  await handler.close({ timeoutMs: 1000 });
  await emulator.close();
  await closeServer();
  const secretPart = emulator.token.split(":")[1] as string;
  for (const output of outputs.splice(0)) {
    expect(output).not.toContain(secretPart);
    expect(output).not.toContain(SECRET);
  }
});

async function cli(argv: string[]) {
  const result = await run(argv, env);
  outputs.push(result.stdout, result.stderr);
  return result;
}

describe("telehook check --health", () => {
  test("healthy: the handler's counts are shown beside getWebhookInfo", async () => {
    emulator.sendUpdate(updates.message({ text: "hi", chatId: 7 }));
    await emulator.waitForIdle();
    const result = await cli(["check", "--health", `${base}/health`]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/Pending updates: +0/);
    expect(result.stdout).toMatch(/Handler: +0 in flight, 0 queued/);
    expect(result.stdout).toMatch(/Store: +healthy/);
    expect(result.stdout).toMatch(/Outcomes: +.*finished 1/);
    expect(result.stdout).toMatch(/Healthy\.\n$/);

    const json = await cli(["check", "--health", `${base}/health`, "--json"]);
    expect(JSON.parse(json.stdout)).toMatchObject({
      healthy: true,
      info: { pending_update_count: 0 },
      health: { inFlight: 0, queued: 0, counts: { finished: 1 }, store: { healthy: true } },
    });
  });

  test("a run older than --max-run-age is a problem (exit 1)", async () => {
    emulator.sendUpdate(updates.message({ text: "hold", chatId: 8 }));
    // The deadline acknowledged it: Telegram is idle, the handler still runs.
    await emulator.waitForIdle();
    await new Promise((resolve) => setTimeout(resolve, 20));
    const lenient = await cli(["check", "--health", `${base}/health`]);
    expect(lenient.code).toBe(0);
    expect(lenient.stdout).toMatch(/Handler: +1 in flight, 0 queued, oldest run \d+(\.\d+)? s/);
    const strict = await cli(["check", "--health", `${base}/health`, "--max-run-age", "0"]);
    expect(strict.code).toBe(1);
    expect(strict.stdout).toMatch(/an update has been running for \d+(\.\d+)? s \(--max-run-age is 0 s\)/);
  });

  test("a failing store is a problem (exit 1), with pending updates and Telegram's last error beside it", async () => {
    storeDown = true;
    const update = emulator.sendUpdate(updates.message({ text: "hi", chatId: 9 }));
    await new Promise<void>((resolve) => {
      const stop = emulator.onDelivery((record) => {
        if (record.updateId === update.update_id && record.status === 503) {
          stop();
          resolve();
        }
      });
    });
    const result = await cli(["check", "--health", `${base}/health`]);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/Pending updates: +1/);
    expect(result.stdout).toMatch(/Last error: .*503/);
    expect(result.stdout).toMatch(/Store: +failing/);
    expect(result.stdout).toMatch(/the webhook's store is failing: 1 failure since start, the last to claim/);
  });

  test("a health URL that does not answer stats is a problem, and a wrong value a usage error", async () => {
    const html = await cli(["check", "--health", `${base}/not-json`]);
    expect(html.code).toBe(1);
    expect(html.stdout).toMatch(/the health URL .*not-json did not answer handler\.stats\(\) JSON/);
    server.closeAllConnections();
    const closed = `http://127.0.0.1:1/health`;
    const unreachable = await cli(["check", "--health", closed, "--max-wait", "2000"]);
    expect(unreachable.code).toBe(1);
    expect(unreachable.stdout).toMatch(/could not read the health URL http:\/\/127\.0\.0\.1:1\/health/);
    expect((await cli(["check", "--health", "not a url"])).code).toBe(2);
    expect((await cli(["check", "--health", `${base}/health`, "--max-run-age", "soon"])).code).toBe(2);
    const alone = await cli(["check", "--max-run-age", "5"]);
    expect([alone.code, alone.stderr]).toEqual([2, expect.stringContaining("pass --health <url> too")]);
  });
});
