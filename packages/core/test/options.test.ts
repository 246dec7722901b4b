import { createWebhookHandler, TelehookError, type WebhookOptions } from "@telehook/core";
import { describe, expect, test } from "vitest";

const onUpdate = () => {};
const build = (options: Partial<WebhookOptions>) => () =>
  createWebhookHandler({ onUpdate, ...options } as WebhookOptions);

describe("options are checked when the handler is built", () => {
  test("a bot token pasted as the secret is refused, and the message does not repeat it", () => {
    const botToken = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw";
    expect(build({ secretToken: botToken })).toThrow(/looks like a bot token/);
    try {
      build({ secretToken: botToken })();
    } catch (error) {
      expect(error).toBeInstanceOf(TelehookError);
      expect((error as TelehookError).code).toBe("invalid_options");
      expect(String(error)).not.toContain(botToken);
      expect((error as Error).message).toMatch(/^@telehook\/core: /);
    }
  });

  test.each([
    ["characters Telegram refuses", "has spaces!", /contains characters other than/],
    ["an empty secret", "", /is empty/],
    ["a secret over 256 characters", "a".repeat(257), /longer than 256/],
  ])("%s are refused", (_, secretToken, message) => {
    expect(build({ secretToken })).toThrow(message);
  });

  test("a bad secret in a rotation names its position", () => {
    expect(build({ secretToken: ["good_one", "bad one"] })).toThrow(/secretToken\[1\]/);
  });

  test("an empty rotation is refused", () => {
    expect(build({ secretToken: [] })).toThrow(/non-empty array/);
  });

  test("the secret is required unless allowUnauthenticated is set", () => {
    expect(build({})).toThrow(/secretToken is required/);
    expect(build({ allowUnauthenticated: true })).not.toThrow();
  });

  test("256 characters of the allowed alphabet are accepted", () => {
    expect(build({ secretToken: "aZ0_-".repeat(51).concat("x") })).not.toThrow();
  });

  test("onUpdate is required", () => {
    expect(() => createWebhookHandler({ secretToken: "abc" } as WebhookOptions)).toThrow(
      /onUpdate must be a function/,
    );
  });

  test.each([0, -1, 1.5, Number.NaN])("maxBodyBytes %s is refused", (maxBodyBytes) => {
    expect(build({ secretToken: "abc", maxBodyBytes })).toThrow(/maxBodyBytes/);
  });
});
