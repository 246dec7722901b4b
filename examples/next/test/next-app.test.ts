import { type ChildProcess, execFile, spawn } from "node:child_process";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, expect, test } from "vitest";

// The real app: `next build`, then `next start` on a random loopback port, fed over HTTP. Its Bot API calls go
// to a stand-in for Telegram that records them.

const APP_DIR = fileURLToPath(new URL("..", import.meta.url));
const ROOT = fileURLToPath(new URL("../../..", import.meta.url));
const SECRET = "next_example_secret";
const run = promisify(execFile);

/** Telegram's Bot API as the bot sees it: records each call; holds `sendChatAction` until the test releases it. */
class FakeTelegram {
  readonly calls: { method: string; payload: { text?: string; chat_id?: number } }[] = [];
  private readonly server: Server;
  private release = () => {};
  private held = new Promise<void>((resolve) => {
    this.release = resolve;
  });
  holding = false;
  url = "";

  constructor() {
    this.server = createServer(async (request, response) => {
      const chunks: Buffer[] = [];
      for await (const chunk of request) chunks.push(chunk as Buffer);
      const method = (request.url ?? "").split("/").pop() ?? "";
      this.calls.push({ method, payload: JSON.parse(Buffer.concat(chunks).toString("utf8")) });
      if (method === "sendChatAction") {
        this.holding = true;
        await this.held;
        this.holding = false;
      }
      response.writeHead(200, { "content-type": "application/json" });
      response.end('{"ok":true,"result":true}');
    });
  }

  async start(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, "127.0.0.1", resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  letGo(): void {
    this.release();
  }

  /** The texts the bot sent, once `count` of them arrived (or what there is after `ms`). */
  async sentTexts(count: number, ms = 10_000): Promise<string[]> {
    const texts = () => this.calls.filter((c) => c.method === "sendMessage").map((c) => c.payload.text ?? "");
    for (const end = Date.now() + ms; texts().length < count && Date.now() < end; ) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    return texts();
  }

  stop(): Promise<void> {
    this.letGo();
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

const telegram = new FakeTelegram();
let next: ChildProcess | undefined;
let appUrl = "";

let failure: unknown;

beforeAll(async () => {
  // A build or start that fails, fails every test with its error, rather than leaving them skipped.
  await startApp().catch((error: unknown) => {
    failure = error;
  });
}, 120_000);

async function startApp(): Promise<void> {
  // The app imports @telehook/core as a user does, from its build.
  await run(`${ROOT}node_modules/.bin/tsup`, [], { cwd: `${ROOT}packages/core` });
  const env = { ...process.env, NEXT_TELEMETRY_DISABLED: "1" };
  await run(`${APP_DIR}node_modules/.bin/next`, ["build"], { cwd: APP_DIR, env });
  await telegram.start();
  const port = await freePort();
  next = spawn(`${APP_DIR}node_modules/.bin/next`, ["start", "-H", "127.0.0.1", "-p", String(port)], {
    cwd: APP_DIR,
    env: {
      ...env,
      WEBHOOK_SECRET: SECRET,
      WEBHOOK_DEADLINE_MS: "2000",
      BOT_TOKEN: "123456:next-example-token",
      TELEGRAM_API_ROOT: telegram.url,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  appUrl = `http://127.0.0.1:${port}`;
  await ready(next);
}

afterAll(async () => {
  if (next && next.exitCode === null) {
    const exited = new Promise((resolve) => next?.once("exit", resolve));
    next.kill("SIGTERM");
    await exited;
  }
  await telegram.stop();
});

function sendUpdate(updateId: number, text: string, secret = SECRET): Promise<Response> {
  if (!appUrl || failure) throw new Error("the Next.js app did not start", { cause: failure });
  return fetch(`${appUrl}/bot`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-telegram-bot-api-secret-token": secret },
    body: JSON.stringify({
      update_id: updateId,
      message: { message_id: updateId, date: 1, chat: { id: updateId, type: "private" }, text },
    }),
  });
}

test("a normal update is handled before the answer", async () => {
  const response = await sendUpdate(1, "hello");
  expect(response.status).toBe(200);
  expect(await telegram.sentTexts(1, 0)).toEqual(["echo: hello"]);
});

test("a slow update is answered at the deadline and finishes afterwards, through after()", async () => {
  const response = await sendUpdate(2, "/slow");
  // Answered while the handler still waits on Telegram.
  expect([response.status, telegram.holding]).toEqual([200, true]);
  expect(await telegram.sentTexts(2, 0)).toEqual(["echo: hello"]);
  telegram.letGo();
  expect(await telegram.sentTexts(2)).toEqual(["echo: hello", "echo: /slow"]);
});

test("a forged update gets 401 and never reaches the bot", async () => {
  const before = telegram.calls.length;
  const response = await sendUpdate(3, "forged", "guessed_secret");
  expect(response.status).toBe(401);
  expect(await response.text()).not.toContain(SECRET);
  expect(telegram.calls.length).toBe(before);
});

function freePort(): Promise<number> {
  const server = createServer();
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    }),
  );
}

/** Resolves when `next start` says it is ready; fails with its output if it exits first. */
function ready(child: ChildProcess): Promise<void> {
  let output = "";
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`next start was not ready within 60 s:\n${output}`)),
      60_000,
    );
    const onData = (chunk: Buffer) => {
      output += chunk.toString("utf8");
      if (/Ready in/.test(output)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", onData);
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`next start exited (${code}):\n${output}`));
    });
  });
}
