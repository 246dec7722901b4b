import { redactToken } from "@telehook/core";
import { redactSecret } from "@telehook/core/internal";
import { describe, expect, test } from "vitest";

const TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw";

describe("redactToken", () => {
  test.each([
    ["raw", TOKEN],
    ["encodeURIComponent", encodeURIComponent(TOKEN)],
    ["a lower-case escape", TOKEN.replace(":", "%3a")],
    ["every character escaped", [...TOKEN].map((c) => `%${c.charCodeAt(0).toString(16)}`).join("")],
    ["encoded twice", TOKEN.replace(":", "%253A")],
  ])("hides the token spelled %s", (_, spelled) => {
    expect(redactToken(`https://example.com/bot${spelled}/hook`, TOKEN)).toBe(
      "https://example.com/bot<bot-token>/hook",
    );
  });

  test("hides the part after the colon on its own, and leaves the bot id", () => {
    const secretPart = TOKEN.split(":")[1] as string;
    expect(redactToken(`id 123456789, path /${secretPart}/`, TOKEN)).toBe("id 123456789, path /<bot-token>/");
  });

  test("leaves text without the token alone", () => {
    expect(redactToken("https://example.com/bot%3A/hook?a=AAHdq", TOKEN)).toBe(
      "https://example.com/bot%3A/hook?a=AAHdq",
    );
    expect(redactToken("anything", "")).toBe("anything");
  });
});

describe("redactSecret", () => {
  test("hides a secret raw or percent-encoded, and ignores values too short to be one", () => {
    expect(redactSecret("s=my-secret_1 t=%6Dy-secret_1", "my-secret_1")).toBe("s=<redacted> t=<redacted>");
    expect(redactSecret("short abc", "abc")).toBe("short abc");
  });
});
