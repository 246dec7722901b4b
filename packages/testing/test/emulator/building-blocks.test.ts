import { describe, expect, it } from "vitest";
import { nextRetryDelaySeconds, parseRetryAfter } from "../../src/emulator/backoff.js";
import { HttpResponseParser } from "../../src/emulator/http-response-parser.js";
import { webhookQueueIdOf } from "../../src/emulator/index.js";
import { clampMaxConnections } from "../../src/emulator/set-webhook.js";
import { webhookBodyPolicy } from "../../src/emulator/webhook-response.js";
import { parseWebhookUrl } from "../../src/emulator/webhook-url.js";
import { updates } from "../../src/updates/index.js";

describe("parseWebhookUrl", () => {
  it("defaults to https, keeps userinfo, lower-cases the host and encodes bytes up to 0x20", () => {
    expect(parseWebhookUrl("Example.COM/a b?c#d")).toEqual({
      protocol: "https",
      userinfo: "",
      host: "example.com",
      isIpv6: false,
      port: 443,
      target: "/a%20b?c#d",
    });
    expect(parseWebhookUrl("HTTP://u:p@host:0080")).toMatchObject({
      protocol: "http",
      userinfo: "u:p",
      port: 80,
      target: "/",
    });
    expect(parseWebhookUrl("https://[::1]:8443/x")).toMatchObject({
      host: "[::1]",
      isIpv6: true,
      port: 8443,
    });
    expect(parseWebhookUrl("https://bücher.de/")).toMatchObject({ host: "bücher.de" });
  });

  it("rejects what the server rejects", () => {
    for (const bad of [
      "gopher://h/",
      "https://h:0/",
      "https://h:x/",
      "https://h:65536/",
      "https:///x",
      "https://./",
      "https://a^b/",
      "https://[zz]/",
    ]) {
      expect(parseWebhookUrl(bad), bad).toBeUndefined();
    }
  });
});

describe("clampMaxConnections", () => {
  it("reads leading digits and clamps without errors", () => {
    expect([
      clampMaxConnections("", false),
      clampMaxConnections("0", false),
      clampMaxConnections("12abc", false),
    ]).toEqual([40, 1, 12]);
    expect([
      clampMaxConnections("", true),
      clampMaxConnections("200000", true),
      clampMaxConnections("-5", true),
    ]).toEqual([100, 100_000, 1]);
  });
});

describe("backoff", () => {
  it("follows 0, 2, 4, … capped at a fresh random 60–120 each time", () => {
    const state = { delaySeconds: 1, failCount: 0 };
    const waits = Array.from({ length: 9 }, (_, i) =>
      nextRetryDelaySeconds(state, 0, () => (i === 7 ? 0.5 : 1)),
    );
    expect(waits).toEqual([0, 2, 4, 8, 16, 32, 64, 90, 120]);
  });

  it("reads Retry-After as whole seconds up to 3600", () => {
    expect([
      parseRetryAfter("7"),
      parseRetryAfter(" 9 "),
      parseRetryAfter("1.5"),
      parseRetryAfter("99999"),
      parseRetryAfter(undefined),
    ]).toEqual([7, 9, 0, 3600, 0]);
  });
});

describe("webhookQueueIdOf", () => {
  it("keys messages by chat and queries by user, separated by type", () => {
    const key = (update: object) => {
      const [type, payload] = Object.entries(update)[0] as [string, unknown];
      return webhookQueueIdOf(type, payload);
    };
    expect(key(updates.message({ chatId: -100500 }))).toBe(-100500);
    expect(key(updates.editedMessage({ chatId: -100500 }))).toBe(-100500);
    expect(key(updates.callbackQuery({ fromId: 7, chatId: -100500 }))).toBe(7 + 3 * 2 ** 33);
    expect(key(updates.inlineQuery({ fromId: 7 }))).toBe(7 + 2 ** 33);
    expect(key(updates.businessMessage({ chatId: 9 }))).toBe(9 + 11 * 2 ** 33);
    expect(key(updates.myChatMember({ chatId: 9 }))).toBe(9 + 5 * 2 ** 33);
    expect(key(updates.pollAnswer({ pollId: "123" }))).toBe(123);
  });

  it("keys widget queries by chat apart from the chat's messages, else by user; shared ones by user", () => {
    const key = (update: object) => {
      const [type, payload] = Object.entries(update)[0] as [string, unknown];
      return webhookQueueIdOf(type, payload);
    };
    const chatWidget = key(updates.widgetQuery({ chatId: -100500, fromId: 7 }));
    expect(chatWidget).toBe(key(updates.widgetQuery({ chatId: -100500, fromId: 8 })));
    expect(chatWidget).not.toBe(key(updates.widgetQuery({ chatId: -100501, fromId: 7 })));
    expect(chatWidget).not.toBe(key(updates.message({ chatId: -100500 })));
    const inlineWidget = key(updates.widgetQuery({ inline: true, fromId: 7 }));
    expect(inlineWidget).toBe(key(updates.widgetQuery({ inline: true, fromId: 7 })));
    expect(inlineWidget).not.toBe(key(updates.widgetQuery({ inline: true, fromId: 8 })));
    const shared = key(updates.sharedWidgetQuery({ fromId: 7 }));
    expect(new Set([shared, inlineWidget, key(updates.callbackQuery({ fromId: 7 }))]).size).toBe(3);
    // A callback query from an inline message (no message, Bot API 10.5) is keyed by its user too.
    expect(key(updates.callbackQuery({ fromId: 7, message: null }))).toBe(7 + 3 * 2 ** 33);
  });
});

describe("HttpResponseParser", () => {
  const parse = (...chunks: string[]) => {
    const parser = new HttpResponseParser(webhookBodyPolicy);
    let last: ReturnType<HttpResponseParser["feed"]> = { kind: "partial" };
    for (const chunk of chunks) last = parser.feed(Buffer.from(chunk, "latin1"));
    return last;
  };

  it("reads Content-Length bodies split anywhere and keeps the reason phrase as sent", () => {
    const result = parse(
      "HTTP/1.1 200 All Good\r\nContent-Type: applic",
      "ation/json\r\nContent-Length: 2\r\n\r\n{",
      "}",
    );
    expect(result).toMatchObject({
      kind: "complete",
      leftover: false,
      response: { status: 200, reason: "All Good", keepAlive: true },
    });
    if (result.kind === "complete") expect(result.response.body.toString()).toBe("{}");
  });

  it("honours Connection: close and HTTP/1.0", () => {
    expect(parse("HTTP/1.1 204 No Content\r\nConnection: close\r\n\r\n")).toMatchObject({
      response: { keepAlive: false },
    });
    expect(parse("HTTP/1.0 200 OK\r\n\r\n")).toMatchObject({ response: { keepAlive: false } });
  });

  it("fails oversized headers and JSON bodies with the server's texts", () => {
    expect(parse(`HTTP/1.1 200 OK\r\nX: ${"a".repeat(300 * 1024)}`)).toEqual({
      kind: "error",
      error: "Request Header Fields Too Large: total headers size exceeded",
    });
    expect(
      parse(
        `HTTP/1.1 500 Oops\r\nContent-Type: application/json\r\nContent-Length: ${2 * 1024 * 1024}\r\n\r\n`,
      ),
    ).toEqual({
      kind: "error",
      error: "Request Entity Too Large: too many parameters",
    });
  });
});
