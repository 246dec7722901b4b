import { execFileSync } from "node:child_process";
import { mkdirSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { type Browser, chromium } from "playwright-core";
import { afterAll, describe, expect, test } from "vitest";
import { runCli } from "../src/run-cli.js";

// `telehook emulator` in real headless Chromium (Debian's `chromium`, driven by playwright-core): the page
// served by the emulator, a tiny bot on a real webhook, a user who types /start and taps a button.

const OUTPUT_DIR = join(import.meta.dirname, "..", "test-output");

/** Debian's chromium, or a clear failure: this test must never be skipped silently. */
function chromiumPath(): string {
  const candidates = [process.env.CHROMIUM_PATH, "chromium", "chromium-browser"].filter(
    (name): name is string => typeof name === "string" && name !== "",
  );
  for (const candidate of candidates) {
    try {
      return execFileSync("sh", ["-c", `command -v "${candidate}"`], { encoding: "utf8" }).trim();
    } catch {
      // try the next one
    }
  }
  throw new Error(
    "chromium is not installed: the emulator page test needs Debian's chromium (apt-get update && apt-get install -y chromium), or CHROMIUM_PATH set to a Chromium binary.",
  );
}

/** A tiny bot on a node:http webhook: /start greets with a button; the button is answered and edits the greeting. */
async function startTinyBot(apiRoot: string, token: string): Promise<Server> {
  const api = async (method: string, params: Record<string, unknown>) => {
    const response = await fetch(`${apiRoot}/bot${token}/${method}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(params),
    });
    return (await response.json()) as { ok: boolean; result?: unknown; description?: string };
  };
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", async () => {
      const update = JSON.parse(Buffer.concat(chunks).toString("utf8"));
      if (update.message?.text === "/start") {
        await api("sendMessage", {
          chat_id: update.message.chat.id,
          text: `Hi ${update.message.from.first_name}! Pick a fruit:`,
          reply_markup: { inline_keyboard: [[{ text: "🍎 Apple", callback_data: "apple" }]] },
        });
      } else if (update.callback_query) {
        const query = update.callback_query;
        await api("answerCallbackQuery", { callback_query_id: query.id, text: "Good choice!" });
        await api("editMessageText", {
          chat_id: query.message.chat.id,
          message_id: query.message.message_id,
          text: `You picked: ${query.data}`,
        });
      }
      response.writeHead(200, { "Content-Length": "0" }).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/bot`;
  const set = await api("setWebhook", { url });
  if (!set.ok) throw new Error(`setWebhook failed: ${set.description}`);
  return server;
}

let browser: Browser | undefined;
let bot: Server | undefined;
const controller = new AbortController();
let running: Promise<number> | undefined;
let stdout = "";

afterAll(async () => {
  await browser?.close();
  controller.abort();
  await running;
  bot?.closeAllConnections();
  await new Promise<void>((resolve) => (bot ? bot.close(() => resolve()) : resolve()));
});

describe("telehook emulator's page", () => {
  test("chat with a bot in Chromium: /start, its reply, a tap on its button, the toast and the edit", async () => {
    // Inside the test, not in a hook: a missing chromium fails this test instead of skipping it.
    browser = await chromium.launch({ executablePath: chromiumPath(), args: ["--no-sandbox"] });
    running = runCli(
      ["emulator", "--port", "0"],
      {},
      {
        stdout: { write: (text: string) => (stdout += text) },
        stderr: { write: (text: string) => (stdout += text) },
      },
      { signal: controller.signal },
    );
    for (let i = 0; i < 200 && !stdout.includes("Bot token:"); i++)
      await new Promise((r) => setTimeout(r, 10));
    const apiRoot = /API root: +(\S+)/.exec(stdout)?.[1];
    const token = /Bot token: +(\S+)/.exec(stdout)?.[1];
    if (apiRoot === undefined || token === undefined)
      throw new Error(`the emulator did not start:\n${stdout}`);
    bot = await startTinyBot(apiRoot, token);

    const page = await (browser as Browser).newPage({ viewport: { width: 1280, height: 720 } });
    await page.goto(`${apiRoot}/`);
    await expect.poll(() => page.title()).toBe("telehook emulator");

    await page.getByTestId("composer").fill("/start");
    await page.getByTestId("send").click();
    const reply = page.locator('[data-testid="bot-message"]').first();
    await reply.waitFor({ timeout: 10_000 });
    expect(await reply.locator(".text").textContent()).toBe("Hi Ada! Pick a fruit:");
    expect(await page.locator('[data-testid="user-message"] .text').first().textContent()).toBe("/start");

    await reply.getByRole("button", { name: "🍎 Apple" }).click();
    await page.getByTestId("toast").getByText("Good choice!").waitFor({ timeout: 10_000 });
    await reply.locator(".text", { hasText: "You picked: apple" }).waitFor({ timeout: 10_000 });
    expect(await reply.locator(".meta").textContent()).toContain("edited");
    // The button is gone: the edit had no keyboard.
    expect(await reply.getByRole("button").count()).toBe(0);

    // The inspector shows the deliveries and the calls.
    const inspector = page.getByTestId("inspector");
    await inspector.getByText("callback_query").first().waitFor();
    await page.getByRole("button", { name: "Bot API calls" }).click();
    await inspector.getByText("editMessageText").first().waitFor();
    expect(await inspector.getByText("answerCallbackQuery").count()).toBeGreaterThan(0);

    mkdirSync(OUTPUT_DIR, { recursive: true });
    await page.getByRole("button", { name: "Deliveries" }).click();
    await page.screenshot({ path: join(OUTPUT_DIR, "emulator-page.png") });
  });
});
