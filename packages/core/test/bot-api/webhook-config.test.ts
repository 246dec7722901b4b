import { TelehookError, type WebhookConfig } from "@telehook/core";
import { describe, expect, test } from "vitest";
import { validateWebhookConfig } from "../../src/bot-api/webhook-config.js";

const SECRET = "s3cret_for-tests";
const base: WebhookConfig = { url: "https://bot.example.com/telegram", secretToken: SECRET };

function problem(config: Partial<WebhookConfig>, local = false): TelehookError {
  try {
    validateWebhookConfig({ ...base, ...config }, { local });
  } catch (error) {
    expect(error).toBeInstanceOf(TelehookError);
    expect((error as TelehookError).code).toBe("invalid_webhook_config");
    expect((error as TelehookError).message).toMatch(/^@telehook\/core: /);
    return error as TelehookError;
  }
  throw new Error("expected the config to be refused");
}

describe("validateWebhookConfig: the URL", () => {
  test("a normal https URL passes and is normalized", () => {
    const config = validateWebhookConfig(
      { ...base, url: "https://Bot.Example.com/telegram" },
      { local: false },
    );
    expect(config.baseUrl).toBe("https://bot.example.com/telegram");
    expect(config.secretToken).toBe(SECRET);
    expect(config.dropPendingUpdates).toBe(false);
  });

  test.each([80, 88, 443, 8443])("port %i is allowed", (port) => {
    expect(() =>
      validateWebhookConfig({ ...base, url: `https://bot.example.com:${port}/x` }, { local: false }),
    ).not.toThrow();
  });

  test.each([
    ["http://bot.example.com/x", /https:\/\//],
    ["ftp://bot.example.com/x", /https:\/\//],
    ["https://bot.example.com:8080/x", /port 8080.*443, 80, 88 and 8443/],
    ["https://127.0.0.1/x", /private or reserved/],
    ["https://10.1.2.3/x", /private or reserved/],
    ["https://192.168.1.10:8443/x", /private or reserved/],
    ["https://100.64.0.1/x", /private or reserved/],
    ["https://[2001:db8::1]/x", /IPv6/],
    ["https://localhost/x", /this machine/],
    ["https://app.localhost/x", /this machine/],
    ["bot.example.com/telegram", /absolute URL/],
    ["", /url is missing/],
    ["https://bot.example.com/x#frag", /fragment/],
  ])("%s is refused", (url, message) => {
    expect(problem({ url }).message).toMatch(message);
  });

  test("a public IPv4 host is fine", () => {
    expect(() =>
      validateWebhookConfig({ ...base, url: "https://149.154.167.220/x" }, { local: false }),
    ).not.toThrow();
  });

  test("the URL's password never appears in a message", () => {
    const error = problem({ url: "http://user:hunter2-password@bot.example.com/x" });
    expect(error.message).not.toContain("hunter2");
  });

  test("local mode lifts the https, port and IP rules", () => {
    for (const url of [
      "http://127.0.0.1:3000/x",
      "http://localhost:8080/bot",
      "https://[::1]:8443/x",
      "http://10.0.0.5/x",
    ]) {
      expect(() => validateWebhookConfig({ ...base, url }, { local: true })).not.toThrow();
    }
    expect(problem({ url: "ftp://127.0.0.1/x" }, true).message).toMatch(/https:\/\/ or http:\/\//);
  });

  test("an existing telehook= parameter is not part of the base URL", () => {
    const config = validateWebhookConfig(
      { ...base, url: "https://bot.example.com/x?a=1&telehook=old" },
      { local: false },
    );
    expect(config.baseUrl).toBe("https://bot.example.com/x?a=1");
  });
});

describe("validateWebhookConfig: the other settings", () => {
  test("the secret is checked with assertValidSecretToken, under this code, without echoing it", () => {
    const botToken = "123456:AAbbccddeeffgghhiijjkkllmmnnooppqq";
    const error = problem({ secretToken: botToken });
    expect(error.message).toMatch(/looks like a bot token/);
    expect(error.message).not.toContain(botToken);
    expect(problem({ secretToken: "has space" }).message).toMatch(/characters other than/);
    expect(problem({ secretToken: "x".repeat(257) }).message).toMatch(/longer than 256/);
  });

  test("a secret is required unless allowUnauthenticated is true", () => {
    expect(problem({ secretToken: undefined }).message).toMatch(/allowUnauthenticated/);
    const config = validateWebhookConfig({ url: base.url, allowUnauthenticated: true }, { local: false });
    expect(config.secretToken).toBeUndefined();
  });

  test("maxConnections is a whole number from 1 to 100 (100000 in local mode)", () => {
    for (const maxConnections of [0, 101, 1.5, Number.NaN]) {
      expect(problem({ maxConnections }).message).toMatch(/maxConnections/);
    }
    expect(validateWebhookConfig({ ...base, maxConnections: 100 }, { local: false }).maxConnections).toBe(
      100,
    );
    expect(validateWebhookConfig({ ...base, maxConnections: 5000 }, { local: true }).maxConnections).toBe(
      5000,
    );
    expect(problem({ maxConnections: 100_001 }, true).message).toMatch(/100000/);
  });

  test("ipAddress must be a public IPv4 address outside local mode", () => {
    expect(problem({ ipAddress: "10.0.0.1" }).message).toMatch(/private or reserved/);
    expect(problem({ ipAddress: "::1" }).message).toMatch(/IPv4/);
    expect(problem({ ipAddress: "1.2.3" }).message).toMatch(/IPv4/);
    expect(validateWebhookConfig({ ...base, ipAddress: "149.154.167.220" }, { local: false }).ipAddress).toBe(
      "149.154.167.220",
    );
    expect(validateWebhookConfig({ ...base, ipAddress: "::1" }, { local: true }).ipAddress).toBe("::1");
  });

  test("allowedUpdates must name real update types", () => {
    expect(problem({ allowedUpdates: ["mesage" as never] }).message).toMatch(/"mesage".*silently ignores/);
    expect(problem({ allowedUpdates: "message" as never }).message).toMatch(/array/);
    const config = validateWebhookConfig(
      { ...base, allowedUpdates: ["message", "message", "poll"] },
      { local: false },
    );
    expect(config.allowedUpdates).toEqual(["message", "poll"]);
  });

  test("certificate must be bytes or a Blob of at most 3 MiB; a path is refused with advice", () => {
    expect(problem({ certificate: "/etc/cert.pem" as never }).message).toMatch(/readFile/);
    expect(problem({ certificate: new Uint8Array(0) }).message).toMatch(/empty/);
    expect(problem({ certificate: new Uint8Array(3 * 1024 * 1024 + 1) }).message).toMatch(/3 MiB/);
    const config = validateWebhookConfig(
      { ...base, certificate: new TextEncoder().encode("PEM") },
      { local: false },
    );
    expect(config.certificate).toBeInstanceOf(Blob);
    expect(config.certificate?.size).toBe(3);
  });

  test("dropPendingUpdates must be a boolean", () => {
    expect(problem({ dropPendingUpdates: "yes" as never }).message).toMatch(/dropPendingUpdates/);
  });
});
