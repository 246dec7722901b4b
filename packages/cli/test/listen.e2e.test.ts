import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { createTelegramEmulator, type TelegramEmulator, updates } from "@telehook/testing";
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { runCli } from "../src/run-cli.js";

// `telehook listen` end to end: the emulator in getUpdates mode plays Telegram, a node:http server plays
// the developer's local webhook.

const SECRET = "listen-secret_AAAAAAAAAAAAAAAAAAAA";

interface Received {
  readonly rawHeaders: string[];
  readonly body: string;
}

let emulator: TelegramEmulator;
let local: Server | undefined;
let received: Received[];
let respond: (request: Received, response: ServerResponse) => void;
let stdout: string;
let stderr: string;
let controller: AbortController;
let listening: Promise<number> | undefined;

beforeEach(async () => {
  emulator = await createTelegramEmulator({ firstUpdateId: 1000 });
  received = [];
  respond = (_request, response) => response.writeHead(200, { "Content-Length": "0" }).end();
  stdout = "";
  stderr = "";
  controller = new AbortController();
  listening = undefined;
});

afterEach(async () => {
  controller.abort();
  await listening;
  await stopLocal();
  await emulator.close();
  const tokenSecret = emulator.token.split(":")[1] as string;
  expect(stdout + stderr).not.toContain(tokenSecret);
  expect(stdout + stderr).not.toContain(SECRET);
});

async function startLocal(port = 0): Promise<string> {
  local = createServer((request: IncomingMessage, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const entry = { rawHeaders: request.rawHeaders, body: Buffer.concat(chunks).toString("latin1") };
      received.push(entry);
      respond(entry, response);
    });
  });
  await new Promise<void>((resolve) => local?.listen(port, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(local.address() as AddressInfo).port}/bot`;
}

async function stopLocal(): Promise<void> {
  const server = local;
  local = undefined;
  if (server === undefined) return;
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

function listen(args: string[]): Promise<number> {
  const env = {
    TELEGRAM_BOT_TOKEN: emulator.token,
    TELEGRAM_API_ROOT: emulator.apiRoot,
    WEBHOOK_SECRET: SECRET,
  };
  listening = runCli(
    ["listen", ...args, "--poll-timeout", "2"],
    env,
    {
      stdout: { write: (text: string) => (stdout += text) },
      stderr: { write: (text: string) => (stderr += text) },
    },
    { signal: controller.signal },
  );
  return listening;
}

async function until(check: () => boolean, what: string, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end)
      throw new Error(`timed out waiting for ${what}; output so far:\n${stdout}${stderr}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe("telehook listen", () => {
  test("delivers each update as Telegram would, confirms it, and prints one line per delivery", async () => {
    const url = await startLocal();
    void listen(["--forward", url]);
    const [first] = emulator.sendUpdates([updates.message({ chatId: 42, text: "Grüße 👋" })]);
    await until(() => received.length === 1, "the first delivery");
    const request = received[0] as Received;
    const names = request.rawHeaders.filter((_, index) => index % 2 === 0);
    expect(names).toEqual([
      "Host",
      "X-Telegram-Bot-Api-Secret-Token",
      "Content-Type",
      "Content-Length",
      "Connection",
      "Accept-Encoding",
    ]);
    expect(request.rawHeaders[3]).toBe(SECRET);
    // The same ASCII body the webhook would get: `,\n` after update_id, non-ASCII escaped.
    expect(request.body).toMatch(/^\{"update_id":1000,\n"message":\{/);
    expect(request.body).toContain("Gr\\u00fc\\u00dfe \\ud83d\\udc4b");
    expect(/[^\x20-\x7e\n]/.test(request.body)).toBe(false);
    await until(() => /update 1000 {2}message {2}200 OK {2}\d+ ms/.test(stdout), "the delivery line");
    // Confirmed only after the 2xx: Telegram no longer holds it.
    await until(() => emulator.webhookInfo().pending_update_count === 0, "the update to be confirmed");
    expect(first?.update_id).toBe(1000);
    controller.abort();
    expect(await listening).toBe(0);
    expect(stdout).toContain("Stopped. 1 update(s) delivered");
  });

  test("keeps an update while the local server is down, retries with backoff, and delivers it when it is back", async () => {
    const url = await startLocal();
    await stopLocal(); // the port is now closed
    void listen(["--forward", url]);
    emulator.sendUpdate(updates.message({ chatId: 7 }));
    await until(
      () => /update 1000 {2}message {2}failed: Connection refused.*retry in 0 s/.test(stdout),
      "a refused attempt",
    );
    await until(() => /attempt 2 {2}retry in 2 s/.test(stdout), "the second, refused attempt");
    expect(emulator.webhookInfo().pending_update_count).toBe(1);
    await startLocal(Number(new URL(url).port));
    await until(() => received.length === 1, "the delivery once the server is back");
    await until(
      () => /update 1000 {2}message {2}200 OK {2}\d+ ms {2}attempt 3/.test(stdout),
      "the success line",
    );
    await until(() => emulator.webhookInfo().pending_update_count === 0, "the update to be confirmed");
  });

  test("retries a 5xx after Retry-After, holding the chat's next update behind it, and other chats flow", async () => {
    let failures = 1;
    respond = (request, response) => {
      if (request.body.includes('"id":1,') && failures-- > 0) {
        response.writeHead(503, "Busy", { "Retry-After": "1", "Content-Length": "0" }).end();
      } else response.writeHead(200, { "Content-Length": "0" }).end();
    };
    const url = await startLocal();
    void listen(["--forward", url]);
    emulator.sendUpdates([
      updates.message({ chatId: 1 }),
      updates.message({ chatId: 1 }),
      updates.message({ chatId: 2 }),
    ]);
    await until(() => received.length === 4, "four requests");
    const ids = received.map((request) => Number(/"update_id":(\d+)/.exec(request.body)?.[1]));
    // 1000 fails, 1002 (another chat) is not held back, 1000 again after 1 s, then 1001 behind it.
    expect(ids.indexOf(1002)).toBeLessThan(ids.lastIndexOf(1000));
    expect(ids.slice(-2)).toEqual([1000, 1001]);
    expect(stdout).toMatch(/update 1000 {2}message {2}503 Busy {2}\d+ ms {2}retry in 1 s/);
  });

  test("executes a Bot API call in the webhook's reply", async () => {
    respond = (_request, response) => {
      const body = JSON.stringify({ method: "sendMessage", chat_id: 42, text: "pong" });
      response
        .writeHead(200, { "Content-Type": "application/json", "Content-Length": body.length })
        .end(body);
    };
    const url = await startLocal();
    void listen(["--forward", url]);
    emulator.sendUpdate(updates.message({ chatId: 42, text: "ping" }));
    const call = await emulator.waitForCall("sendMessage", { timeoutMs: 10_000 });
    expect(call.params).toMatchObject({ chat_id: 42, text: "pong" });
    await until(() => stdout.includes("reply sendMessage: ok"), "the reply line");
    expect(call.response?.ok).toBe(true);
  });

  test("refuses to start while a webhook is set, and names --delete-webhook", async () => {
    await emulator.bot(emulator.token); // the default bot
    const set = await fetch(
      `${emulator.apiRoot}/bot${emulator.token}/setWebhook?url=http://127.0.0.1:9/hook`,
    );
    expect(set.status).toBe(200);
    const url = await startLocal();
    expect(await listen(["--forward", url])).toBe(1);
    expect(stderr).toContain("the bot has a webhook set (http://127.0.0.1:9/hook)");
    expect(stderr).toContain("--delete-webhook");
    expect(emulator.webhookInfo().url).toBe("http://127.0.0.1:9/hook");
  });

  test("--delete-webhook deletes it, keeps pending updates, prints how to restore it, then delivers them", async () => {
    const set = await fetch(
      `${emulator.apiRoot}/bot${emulator.token}/setWebhook?url=http://127.0.0.1:9/hook`,
    );
    expect(set.status).toBe(200);
    emulator.sendUpdate(updates.message({ chatId: 3 }));
    const url = await startLocal();
    void listen(["--forward", url, "--delete-webhook"]);
    await until(() => received.length === 1, "the pending update to be delivered");
    expect(stdout).toContain("Deleted the webhook http://127.0.0.1:9/hook; 1 pending update(s) are kept.");
    expect(stdout).toContain('Restore it afterwards with: telehook set --url "http://127.0.0.1:9/hook"');
    expect(emulator.webhookInfo().url).toBe("");
  });
});
