import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  createTelegramEmulator,
  type LoopbackServer,
  listenOnLoopback,
  type TelegramEmulator,
  updates,
} from "@telehook/testing";
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { run } from "./cli-io.js";

// The telehook CLI against @telehook/testing's emulator on 127.0.0.1.

const SECRET = "cli-secret_AAAAAAAAAAAAAAAAAAAAAAAAAA";
let emulator: TelegramEmulator;
let receiver: LoopbackServer;
let receiverStatus = 200;
let webhookUrl: string;
let env: Record<string, string>;
const outputs: string[] = [];

beforeEach(async () => {
  emulator = await createTelegramEmulator({ setWebhookRateLimitMs: 0 });
  receiverStatus = 200;
  receiver = await listenOnLoopback(createServer((_, res) => res.writeHead(receiverStatus).end()));
  webhookUrl = `${receiver.url}/telegram`;
  env = { TELEGRAM_BOT_TOKEN: emulator.token, TELEGRAM_API_ROOT: emulator.apiRoot, WEBHOOK_SECRET: SECRET };
});

afterEach(async () => {
  await emulator.close();
  await receiver.close();
  // Nothing the CLI printed, in any test, contains the token or the secret.
  const secretPart = emulator.token.split(":")[1] as string;
  for (const output of outputs.splice(0)) {
    expect(output).not.toContain(secretPart);
    expect(output).not.toContain(SECRET);
  }
});

async function cli(argv: string[], environment: Record<string, string | undefined> = env) {
  const result = await run(argv, environment);
  outputs.push(result.stdout, result.stderr);
  return result;
}

describe("telehook against the emulator", () => {
  test("info shows an unset webhook, then the registered one with pending updates", async () => {
    const empty = await cli(["info"]);
    expect(empty.code).toBe(0);
    expect(empty.stdout).toMatch(/Webhook URL: +\(none: the bot uses getUpdates\)/);
    expect(empty.stdout).toMatch(/Pending updates: +0/);
    expect(empty.stdout).toMatch(/Last error: +none/);

    expect((await cli(["set", "--url", webhookUrl])).code).toBe(0);
    const json = await cli(["info", "--json"]);
    expect(JSON.parse(json.stdout)).toMatchObject({
      url: expect.stringContaining(`${webhookUrl}?telehook=`),
      pending_update_count: 0,
    });
  });

  test("set registers once with the secret, then reports it as up to date", async () => {
    const first = await cli([
      "set",
      "--url",
      webhookUrl,
      "--max-connections",
      "5",
      "--allowed-updates",
      "message,callback_query",
    ]);
    expect(first).toMatchObject({ code: 0, stderr: "" });
    expect(first.stdout).toMatch(/^Webhook set: http:\/\/127\.0\.0\.1:\d+\/telegram\?telehook=/);
    const [call] = emulator.callsTo("setWebhook");
    expect(call?.params).toMatchObject({
      secret_token: SECRET,
      max_connections: 5,
      allowed_updates: ["message", "callback_query"],
    });
    expect(call?.params).not.toHaveProperty("drop_pending_updates");

    const again = await cli([
      "set",
      "--url",
      webhookUrl,
      "--max-connections",
      "5",
      "--allowed-updates",
      "callback_query,message",
    ]);
    expect(again.stdout).toMatch(/already set as configured; setWebhook was not called/);
    expect(emulator.callsTo("setWebhook")).toHaveLength(1);

    const forced = await cli(["set", "--url", webhookUrl, "--force"]);
    expect(forced.stdout).toMatch(/^Webhook set:/);
    expect(emulator.callsTo("setWebhook")).toHaveLength(2);
  });

  test("set uploads a certificate from a path", async () => {
    const dir = await mkdtemp(join(tmpdir(), "telehook-cli-"));
    try {
      const path = join(dir, "cert.pem");
      await writeFile(path, "-----BEGIN CERTIFICATE-----\nMIIBfake\n-----END CERTIFICATE-----\n");
      const result = await cli(["set", "--url", webhookUrl, "--certificate", path]);
      expect(result.code).toBe(0);
      expect(emulator.callsTo("setWebhook")[0]?.params.certificate).toMatchObject({
        filename: "certificate.pem",
      });
      expect((await cli(["info"])).stdout).toMatch(/Custom certificate: +yes/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test("delete keeps pending updates unless asked to drop them", async () => {
    await cli(["set", "--url", webhookUrl]);
    receiverStatus = 500;
    emulator.sendUpdate(updates.message({ text: "queued" }));
    const kept = await cli(["delete"]);
    expect(kept.code).toBe(0);
    expect(kept.stdout).toMatch(/^Webhook deleted: http:\/\/127\.0\.0\.1:\d+\/telegram\?telehook=/);
    expect(kept.stdout).toMatch(/1 pending update\(s\) are kept/);
    expect(emulator.callsTo("deleteWebhook")[0]?.params).not.toHaveProperty("drop_pending_updates");
    expect(emulator.webhookInfo()).toMatchObject({ url: "", pending_update_count: 1 });

    const dropped = await cli(["delete", "--drop-pending-updates"]);
    expect(dropped.stdout).toMatch(/No webhook was set[\s\S]*Pending updates were dropped/);
    expect(emulator.callsTo("deleteWebhook")[1]?.params).toMatchObject({ drop_pending_updates: true });
    expect(emulator.webhookInfo().pending_update_count).toBe(0);
  });

  test("check: healthy, then a URL mismatch, a wrong secret and no webhook are problems (exit 1)", async () => {
    const none = await cli(["check"]);
    expect(none.code).toBe(1);
    expect(none.stdout).toMatch(/no webhook is set/);

    await cli(["set", "--url", webhookUrl]);
    const healthy = await cli(["check"], { ...env, WEBHOOK_URL: webhookUrl });
    expect(healthy.code).toBe(0);
    expect(healthy.stdout).toMatch(/Healthy\.\n$/);

    const moved = await cli(["check", "--url", `${webhookUrl}/v2`]);
    expect(moved.code).toBe(1);
    expect(moved.stdout).toMatch(
      /1 problem:\n {2}- the registered URL is .*\/telegram, the config wants .*\/telegram\/v2\./,
    );

    const wrongSecret = await cli(["check", "--url", webhookUrl], {
      ...env,
      WEBHOOK_SECRET: "some-other-secret_ZZZZZZZZZZ",
    });
    expect(wrongSecret.code).toBe(1);
    expect(wrongSecret.stdout).toMatch(/the secret token differs from the registered one/);

    const noSecret = await cli(["check", "--url", webhookUrl], { ...env, WEBHOOK_SECRET: undefined });
    expect(noSecret.code).toBe(0);
    expect(noSecret.stdout).toMatch(/note: the secret token was not checked/);

    const json = await cli(["check", "--url", webhookUrl, "--max-connections", "3", "--json"]);
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout)).toMatchObject({
      healthy: false,
      problems: [expect.stringMatching(/max_connections is 100/)],
    });
  });

  test("check reports failing deliveries with the last error and the pending count", async () => {
    await cli(["set", "--url", webhookUrl]);
    receiverStatus = 500;
    emulator.sendUpdate(updates.message({ text: "will fail" }));
    const deadline = Date.now() + 5000;
    while (emulator.webhookInfo().last_error_message === undefined && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const result = await cli(["check", "--url", webhookUrl]);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(
      /Last error: +\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z \(\d+ s ago\): Wrong response from the webhook: 500 Internal Server Error/,
    );
    expect(result.stdout).toMatch(/Pending updates: +1/);
    expect(result.stdout).toMatch(
      /deliveries are failing: Wrong response from the webhook: 500 Internal Server Error at .*, with 1 update\(s\) pending\./,
    );
    const tolerant = await cli(["check", "--url", webhookUrl, "--max-error-age", "0", "--max-pending", "5"]);
    expect(tolerant.code).toBe(0);
    expect(tolerant.stdout).toMatch(/note: last delivery error: Wrong response/);
  });

  test("a registered URL that carries the token, percent-encoded in any way, never prints it", async () => {
    const token = emulator.token;
    const hex = (char: string) => char.charCodeAt(0).toString(16);
    const encodings = [
      encodeURIComponent(token),
      token.replace(":", "%3a"),
      [...token].map((char) => `%${hex(char).toUpperCase()}`).join(""),
      [...token].map((char, i) => (i % 3 === 0 ? `%${hex(char)}` : char)).join(""),
      token.replace(":", "%253A"),
    ];
    // Percent-decoded until nothing changes: the token must not be in there either.
    const decoded = (text: string) => {
      let previous = "";
      let current = text;
      while (current !== previous) {
        previous = current;
        current = current.replace(/%([0-9a-f]{2})/gi, (_, code: string) =>
          String.fromCharCode(Number.parseInt(code, 16)),
        );
      }
      return current;
    };
    for (const encoded of encodings) {
      const url = `${webhookUrl}/bot${encoded}/hook`;
      const registered = await fetch(`${emulator.apiRoot}/bot${token}/setWebhook`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ url }),
      });
      expect(await registered.json()).toMatchObject({ ok: true });
      expect(emulator.webhookInfo().url).toBe(url);
      const runs = [
        await cli(["info"]),
        await cli(["info", "--json"]),
        await cli(["check", "--json"]),
        await cli(["check", "--url", webhookUrl, "--json"]),
        await cli(["check", "--url", webhookUrl]),
        await cli(["delete"]),
      ];
      for (const { stdout, stderr } of runs) {
        expect(stdout).toMatch(/\/hook/);
        for (const output of [stdout, stderr]) {
          expect(output).not.toContain(encoded);
          expect(decoded(output)).not.toContain(token.split(":")[1]);
        }
      }
    }
  });

  test("the bot token from the environment is never printed, even on failures", async () => {
    const wrongRoot = await cli(["info", "--api-root", `${emulator.apiRoot}/bot${emulator.token}/`]);
    expect(wrongRoot.code).toBe(2);
    expect(wrongRoot.stderr).toMatch(/apiRoot must be the server's root URL/);
    const unauthorized = await cli(["info"], { ...env, TELEGRAM_BOT_TOKEN: "42:short-unknown-token" });
    expect(unauthorized.code).toBe(1);
    expect(unauthorized.stderr).toMatch(
      /Telegram answered getWebhookInfo with 401: Unauthorized: invalid token specified/,
    );
    expect(unauthorized.stderr).not.toContain("short-unknown-token");
  });
});
