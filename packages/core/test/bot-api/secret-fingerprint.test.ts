import { describe, expect, test } from "vitest";
import {
  removeFingerprint,
  splitFingerprint,
  webhookFingerprint,
} from "../../src/bot-api/secret-fingerprint.js";

const baseUrl = "https://bot.example.com/telegram";

describe("webhookFingerprint", () => {
  test("is stable for the same inputs and changes with the secret, the URL and the certificate", async () => {
    const a = await webhookFingerprint({ baseUrl, secretToken: "first-secret" });
    expect(a).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(await webhookFingerprint({ baseUrl, secretToken: "first-secret" })).toBe(a);
    expect(await webhookFingerprint({ baseUrl, secretToken: "second-secret" })).not.toBe(a);
    expect(await webhookFingerprint({ baseUrl: `${baseUrl}2`, secretToken: "first-secret" })).not.toBe(a);
    const cert1 = new Blob(["-----BEGIN CERTIFICATE-----1"]);
    const cert2 = new Blob(["-----BEGIN CERTIFICATE-----2"]);
    const withCert = await webhookFingerprint({ baseUrl, secretToken: "first-secret", certificate: cert1 });
    expect(withCert).not.toBe(a);
    expect(await webhookFingerprint({ baseUrl, secretToken: "first-secret", certificate: cert2 })).not.toBe(
      withCert,
    );
  });

  test("never contains the secret, and there is none without a secret and a certificate", async () => {
    const secret = "AAAAAAAAAAAAAAAAAAAAAA";
    expect(await webhookFingerprint({ baseUrl, secretToken: secret })).not.toContain(secret.slice(0, 8));
    expect(await webhookFingerprint({ baseUrl })).toBeUndefined();
    expect(await webhookFingerprint({ baseUrl, certificate: new Blob(["pem"]) })).toMatch(
      /^[A-Za-z0-9_-]{22}$/,
    );
  });
});

describe("splitFingerprint", () => {
  test("removes only the telehook parameter and keeps the rest byte for byte", () => {
    expect(splitFingerprint("https://x.io/a?b=%20c+d&telehook=abc&e")).toEqual({
      baseUrl: "https://x.io/a?b=%20c+d&e",
      fingerprint: "abc",
    });
    expect(splitFingerprint("https://x.io/a?telehook=abc")).toEqual({
      baseUrl: "https://x.io/a",
      fingerprint: "abc",
    });
    expect(removeFingerprint("https://x.io/a")).toBe("https://x.io/a");
  });
});
