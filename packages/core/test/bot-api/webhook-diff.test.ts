import { describe, expect, test } from "vitest";
import { DEFAULT_ALLOWED_UPDATES } from "../../src/bot-api/update-types.js";
import { type DesiredWebhook, diffWebhookInfo, displayWebhookUrl } from "../../src/bot-api/webhook-diff.js";

const desired: DesiredWebhook = {
  url: "https://bot.example.com/telegram?telehook=fp1",
  baseUrl: "https://bot.example.com/telegram",
  fingerprint: "fp1",
  hasCertificate: false,
  maxConnections: undefined,
  ipAddress: undefined,
  allowedUpdates: undefined,
};
const info = {
  url: desired.url,
  has_custom_certificate: false,
  pending_update_count: 0,
  max_connections: 40,
};

describe("diffWebhookInfo", () => {
  test("an identical registration has no differences", () => {
    expect(diffWebhookInfo(info, desired)).toEqual([]);
  });

  test("no webhook at all is one url difference", () => {
    expect(diffWebhookInfo({ ...info, url: "" }, desired)).toEqual([
      { field: "url", description: expect.stringMatching(/no webhook is set/) },
    ]);
  });

  test("a changed fingerprint with the same URL is a secret change", () => {
    const [difference] = diffWebhookInfo(
      { ...info, url: "https://bot.example.com/telegram?telehook=fp0" },
      desired,
    );
    expect(difference?.field).toBe("secret_token");
    expect(diffWebhookInfo({ ...info, url: desired.baseUrl }, desired)[0]?.field).toBe("secret_token");
    expect(
      diffWebhookInfo({ ...info, url: "https://bot.example.com/telegram?telehook=fp0" }, desired, {
        compareFingerprint: false,
      }),
    ).toEqual([]);
  });

  test("a different path is a url difference", () => {
    expect(
      diffWebhookInfo({ ...info, url: "https://bot.example.com/other?telehook=fp1" }, desired)[0]?.field,
    ).toBe("url");
  });

  test("allowed_updates compare as sets; omitted means the default set", () => {
    const wanted = { ...desired, allowedUpdates: ["callback_query", "message"] };
    expect(diffWebhookInfo({ ...info, allowed_updates: ["message", "callback_query"] }, wanted)).toEqual([]);
    expect(diffWebhookInfo(info, wanted)[0]?.field).toBe("allowed_updates");
    expect(diffWebhookInfo(info, { ...desired, allowedUpdates: [] })).toEqual([]);
    expect(
      diffWebhookInfo(info, { ...desired, allowedUpdates: [...DEFAULT_ALLOWED_UPDATES].reverse() }),
    ).toEqual([]);
    const withMembers = diffWebhookInfo(info, {
      ...desired,
      allowedUpdates: [...DEFAULT_ALLOWED_UPDATES, "chat_member"],
    });
    expect(withMembers[0]?.description).toMatch(/missing chat_member/);
  });

  test("max_connections, ip_address and certificate are compared when configured", () => {
    expect(diffWebhookInfo(info, { ...desired, maxConnections: 10 })[0]?.field).toBe("max_connections");
    expect(diffWebhookInfo(info, { ...desired, maxConnections: 40 })).toEqual([]);
    expect(
      diffWebhookInfo({ ...info, ip_address: "1.2.3.4" }, { ...desired, ipAddress: "1.2.3.5" })[0]?.field,
    ).toBe("ip_address");
    expect(diffWebhookInfo(info, { ...desired, hasCertificate: true })[0]?.field).toBe("certificate");
    expect(diffWebhookInfo({ ...info, has_custom_certificate: true }, desired)[0]?.field).toBe("certificate");
  });

  test("passwords in URLs are not shown", () => {
    expect(displayWebhookUrl("https://user:pw-123@bot.example.com/x")).toBe(
      "https://user:***@bot.example.com/x",
    );
    const [difference] = diffWebhookInfo({ ...info, url: "https://u:pw-123@other.example.com/" }, desired);
    expect(difference?.description).not.toContain("pw-123");
  });
});
