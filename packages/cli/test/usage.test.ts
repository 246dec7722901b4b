import { createServer } from "node:http";
import { listenOnLoopback } from "@telehook/testing";
import { describe, expect, test } from "vitest";
import { readFlags } from "../src/read-flags.js";
import { run } from "./cli-io.js";

const TOKEN = "123456789:AACliUsageTokenThatMustNotBePrinted";
const env = { TELEGRAM_BOT_TOKEN: TOKEN, TELEGRAM_API_ROOT: "http://127.0.0.1:9" };

describe("telehook usage", () => {
  test("--help prints the usage and exits 0; no command exits 2", async () => {
    const help = await run(["--help"], {});
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/telehook info/);
    expect(help.stdout).toMatch(/TELEGRAM_BOT_TOKEN.*read only from the environment/s);
    expect(help.stdout).toMatch(/shell history/);
    const none = await run([], {});
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/Usage:/);
  });

  test("the token is never accepted as a flag, and its value is never echoed", async () => {
    for (const argv of [
      ["info", "--token", TOKEN],
      ["info", `--token=${TOKEN}`],
      ["info", `--bot-token=${TOKEN}`],
    ]) {
      const result = await run(argv, {});
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(/TELEGRAM_BOT_TOKEN/);
      expect(result.stderr + result.stdout).not.toContain("AACliUsage");
    }
    const positional = await run(["info", TOKEN], env);
    expect(positional.code).toBe(2);
    expect(positional.stderr).not.toContain("AACliUsage");
    const asCommand = await run([TOKEN], env);
    expect(asCommand.code).toBe(2);
    expect(asCommand.stderr).toMatch(/unknown command\./);
    expect(asCommand.stderr).not.toContain("AACliUsage");
  });

  test("a missing token, an unknown command or option, and a misplaced option are usage errors", async () => {
    expect(await run(["info"], {})).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/TELEGRAM_BOT_TOKEN is not set/),
    });
    expect(await run(["frobnicate"], env)).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/unknown command "frobnicate"/),
    });
    expect(await run(["info", "--bogus"], env)).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/unknown option --bogus/),
    });
    expect(await run(["delete", "--force"], env)).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/--force is not an option of delete/),
    });
    expect(await run(["set", "--max-connections"], env)).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/needs a value/),
    });
    expect(
      await run(
        [
          "set",
          "--url",
          "https://bot.example.com/x",
          "--secret-token",
          "abcdefgh",
          "--max-connections",
          "ten",
        ],
        env,
      ),
    ).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/whole number/),
    });
  });

  test("--forward and --health must be http or https URLs", async () => {
    for (const [argv, flag] of [
      [["listen", "--forward", "ftp://localhost/bot"], "--forward"],
      [["listen", "--forward", "localhost:3000"], "--forward"],
      [["check", "--health", "not a url"], "--health"],
    ] as const) {
      const result = await run([...argv], env);
      expect(result.code, argv.join(" ")).toBe(2);
      expect(result.stderr).toContain(`${flag} must be an http:// or https:// URL, such as http`);
    }
  });

  test("set validates locally and exits 2 before any call", async () => {
    const remote = { TELEGRAM_BOT_TOKEN: TOKEN, TELEGRAM_API_ROOT: "https://api.telegram.org" };
    const noUrl = await run(["set", "--secret-token", "abcdefgh"], remote);
    expect(noUrl).toMatchObject({ code: 2, stderr: expect.stringMatching(/--url or set WEBHOOK_URL/) });
    const noSecret = await run(["set", "--url", "https://bot.example.com/x"], remote);
    expect(noSecret).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/WEBHOOK_SECRET.*--allow-unauthenticated/),
    });
    const http = await run(["set", "--url", "http://bot.example.com/x"], {
      ...remote,
      WEBHOOK_SECRET: "abcdefgh12",
    });
    expect(http).toMatchObject({ code: 2, stderr: expect.stringMatching(/https:\/\//) });
    const badType = await run(
      ["set", "--url", "https://bot.example.com/x", "--allowed-updates", "message,mesage"],
      {
        ...remote,
        WEBHOOK_SECRET: "abcdefgh12",
      },
    );
    expect(badType).toMatchObject({ code: 2, stderr: expect.stringMatching(/"mesage"/) });
    const noCert = await run(
      ["set", "--url", "https://bot.example.com/x", "--certificate", "/nonexistent/cert.pem"],
      {
        ...remote,
        WEBHOOK_SECRET: "abcdefgh12",
      },
    );
    expect(noCert).toMatchObject({ code: 2, stderr: expect.stringMatching(/certificate file .*ENOENT/) });
  });

  test("an unreachable server is a failure (exit 1) with a clean message", async () => {
    // A port that was free a moment ago and has nothing listening now.
    const server = await listenOnLoopback(createServer());
    await server.close();
    const apiRoot = server.url;
    const result = await run(["info", "--max-wait", "2000"], { ...env, TELEGRAM_API_ROOT: apiRoot });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`getWebhookInfo failed: could not reach the Bot API server ${apiRoot} (`);
    expect(result.stderr).toContain("ECONNREFUSED");
    expect(result.stderr).not.toContain("AACliUsage");
  });

  test("a usage error never echoes a value that looks like a bot token or a secret", async () => {
    // A token that is not the one in the environment, so redaction of TELEGRAM_BOT_TOKEN cannot hide it.
    const other = "987654321:AAOtherTokenGivenOnTheCommandLine0000";
    for (const argv of [
      ["info", `--json=${other}`],
      ["info", `--${other}`],
      ["info", `--${other}=x`],
      ["info", "--bogus", other],
      ["set", "--url", "https://bot.example.com/x", "--secret-token", "abcdefgh", "--max-connections", other],
      ["delete", `--drop-pending-updates=${other}`],
      ["set", `--force=${other}`],
      ["listen", `--${other}`],
      ["listen", `--delete-webhook=${other}`],
      ["emulator", `--${other}`],
      ["emulator", `--production=${other}`],
    ]) {
      const result = await run(argv, env);
      expect(result.code, argv.join(" ")).toBe(2);
      expect(result.stderr + result.stdout, argv.join(" ")).not.toContain("AAOther");
    }
  });
});

describe("readFlags", () => {
  const spec = { url: "string", "max-connections": "string", force: "boolean", help: "boolean" } as const;

  test("reads --name value, --name=value, booleans, -h and --", () => {
    const parsed = readFlags(
      ["set", "--url", "https://x", "--max-connections=5", "--force", "-h", "--", "--rest"],
      spec,
    );
    expect(parsed.positionals).toEqual(["set", "--rest"]);
    expect(parsed.values).toEqual({ url: "https://x", "max-connections": "5", force: true, help: true });
  });

  test("names the flag in each mistake, and never a value", () => {
    expect(() => readFlags(["--url", "--force"], spec)).toThrow("--url needs a value.");
    expect(() => readFlags(["--url"], spec)).toThrow("--url needs a value.");
    expect(() => readFlags(["--force=yes"], spec)).toThrow("--force takes no value.");
    expect(() => readFlags(["--bogus=1"], spec)).toThrow("unknown option --bogus.");
    expect(() => readFlags(["--bogus"], spec, "info")).toThrow("--bogus is not an option of info.");
    expect(() => readFlags(["-x"], spec)).toThrow("unknown option -x.");
    expect(() => readFlags(["--123456:AAsecret"], spec)).toThrow(/^unknown option\.$/);
    expect(() => readFlags(["--token=123456:AAsecret"], spec)).toThrow(/Set TELEGRAM_BOT_TOKEN instead/);
  });
});
