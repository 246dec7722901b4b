import type { WebhookInfo } from "@grammyjs/types";
import { splitFingerprint } from "./secret-fingerprint.js";
import { normalizeAllowedUpdates } from "./update-types.js";

/** A webhook setting that can differ between the config and what Telegram has registered. */
export type WebhookField =
  | "url"
  | "secret_token"
  | "certificate"
  | "max_connections"
  | "ip_address"
  | "allowed_updates";

/** One setting that differs. The description never contains a secret or a URL's password. */
export interface WebhookDifference {
  /** Which setting differs. `"secret_token"` covers the URL fingerprint: the secret or the certificate changed. */
  readonly field: WebhookField;
  /** What differs, in words, e.g. `max_connections is 40, the config wants 10`. */
  readonly description: string;
}

/** What the webhook should look like at Telegram, after validation and fingerprinting. */
export interface DesiredWebhook {
  /** The URL to register: the base URL plus the fingerprint parameter, if any. */
  readonly url: string;
  /** The URL without the fingerprint parameter. */
  readonly baseUrl: string;
  /** The `telehook=` fingerprint of the secret token; undefined without a secret. */
  readonly fingerprint: string | undefined;
  /** True when a certificate is uploaded: Telegram's `has_custom_certificate` should then be true. */
  readonly hasCertificate: boolean;
  /** The wanted `max_connections`; undefined to leave it out of the comparison. */
  readonly maxConnections: number | undefined;
  /** The wanted `ip_address`; undefined to leave it out of the comparison. */
  readonly ipAddress: string | undefined;
  /** The wanted `allowed_updates`; undefined to leave it out of the comparison. */
  readonly allowedUpdates: readonly string[] | undefined;
}

/**
 * Compares `getWebhookInfo` with the desired webhook and lists what differs; an empty list means
 * `setWebhook` would change nothing. Settings left `undefined` are not compared. `allowed_updates` is
 * compared as a set, with an omitted list standing for Telegram's default set. With
 * `compareFingerprint: false` (used when the secret is not known, e.g. by `telehook check` without
 * `WEBHOOK_SECRET`), only the URL without its `telehook=` parameter is compared.
 */
export function diffWebhookInfo(
  info: WebhookInfo,
  desired: DesiredWebhook,
  { compareFingerprint = true }: { compareFingerprint?: boolean } = {},
): WebhookDifference[] {
  const registered = info.url ?? "";
  if (registered === "") {
    return [{ field: "url", description: "no webhook is set (the bot is in getUpdates mode)" }];
  }
  const differences: WebhookDifference[] = [];
  const actual = splitFingerprint(normalizeUrl(registered));
  if (actual.baseUrl !== desired.baseUrl) {
    differences.push({
      field: "url",
      description: `the registered URL is ${displayWebhookUrl(actual.baseUrl)}, the config wants ${displayWebhookUrl(desired.baseUrl)}`,
    });
  } else if (compareFingerprint && actual.fingerprint !== desired.fingerprint) {
    differences.push({
      field: "secret_token",
      description: describeFingerprintChange(actual.fingerprint, desired),
    });
  }
  if (info.has_custom_certificate !== desired.hasCertificate) {
    differences.push({
      field: "certificate",
      description: desired.hasCertificate
        ? "no custom certificate is registered, the config has one"
        : "a custom certificate is registered, the config has none",
    });
  }
  if (desired.maxConnections !== undefined && info.max_connections !== desired.maxConnections) {
    differences.push({
      field: "max_connections",
      description: `max_connections is ${info.max_connections ?? "unset"}, the config wants ${desired.maxConnections}`,
    });
  }
  if (desired.ipAddress !== undefined && info.ip_address !== desired.ipAddress) {
    differences.push({
      field: "ip_address",
      description: `ip_address is ${info.ip_address ?? "unset"}, the config wants ${desired.ipAddress}`,
    });
  }
  if (desired.allowedUpdates !== undefined) {
    const want = normalizeAllowedUpdates(desired.allowedUpdates);
    const have = normalizeAllowedUpdates(info.allowed_updates);
    if (want.join() !== have.join()) {
      const missing = want.filter((type) => !have.includes(type));
      const extra = have.filter((type) => !want.includes(type));
      differences.push({
        field: "allowed_updates",
        description: `allowed_updates differ: ${[
          missing.length > 0 ? `missing ${missing.join(", ")}` : "",
          extra.length > 0 ? `not wanted ${extra.join(", ")}` : "",
        ]
          .filter(Boolean)
          .join("; ")}`,
      });
    }
  }
  return differences;
}

function describeFingerprintChange(actual: string | undefined, desired: DesiredWebhook): string {
  if (desired.fingerprint === undefined) {
    return "the webhook was registered with a secret token or certificate (its URL has a telehook= fingerprint), the config has neither";
  }
  if (actual === undefined) {
    return "the registered URL has no telehook= fingerprint (it was set without telehook, or without a secret token), so its secret token cannot be confirmed";
  }
  return desired.hasCertificate
    ? "the secret token or the certificate differs from the registered one (their fingerprint in the URL differs)"
    : "the secret token differs from the registered one (its fingerprint in the URL differs)";
}

function normalizeUrl(url: string): string {
  try {
    return new URL(url).href;
  } catch {
    return url;
  }
}

/** The URL as it may be shown or logged: a password in it (`https://user:pass@host`) is replaced by `***`. */
export function displayWebhookUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password === "") return url;
    parsed.password = "***";
    return parsed.href;
  } catch {
    return url.replace(/\/\/([^/@:]*):[^/@]*@/, "//$1:***@");
  }
}
