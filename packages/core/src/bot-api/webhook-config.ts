import { TelehookError } from "../errors.js";
import { isIPv6, isReservedIPv4, parseIPv4 } from "../ip-address.js";
import { assertValidSecretToken } from "../secret-token.js";
import type { KnownUpdateType } from "../update.js";
import { isKnownUpdateType } from "../update.js";
import { removeFingerprint } from "./secret-fingerprint.js";

/** The `setWebhook` settings telehook validates, compares with `getWebhookInfo` and registers. */
export interface WebhookConfig {
  /**
   * The public URL Telegram posts updates to, such as `https://bot.example.com/telegram`. Outside local
   * mode it must be `https`, use port 443, 80, 88 or 8443, and name a public host (not `localhost`, not
   * IPv6, not a private or reserved IPv4 address). A `#fragment` is refused. telehook adds a `telehook=`
   * query parameter that fingerprints the secret token (see `secretToken` and `webhookFingerprint`);
   * routers ignore query strings, so your route still matches.
   */
  url: string;
  /**
   * The secret Telegram sends back in `X-Telegram-Bot-Api-Secret-Token`: 1–256 characters from
   * `A-Z a-z 0-9 _ -`. Use the same value as the webhook handler (adapters pass their own `secretToken`).
   * Required unless `allowUnauthenticated` is `true`. Telegram never reveals it, so telehook detects a
   * changed secret through a one-way fingerprint in the URL (see `webhookFingerprint`).
   * @default undefined (an error, unless `allowUnauthenticated` is `true`)
   */
  secretToken?: string | undefined;
  /**
   * Register the webhook without a secret token. Anyone who learns the URL can then post fake updates.
   * @default false
   */
  allowUnauthenticated?: boolean | undefined;
  /**
   * `max_connections`: at most this many simultaneous deliveries, 1–100 (up to 100000 in local mode).
   * When omitted it is neither sent nor compared, and Telegram's default (40) applies whenever the webhook
   * is set.
   * @default undefined
   */
  maxConnections?: number | undefined;
  /**
   * `ip_address`: a fixed IPv4 address Telegram connects to instead of resolving the host. Must be
   * public outside local mode. When omitted it is neither sent nor compared.
   * @default undefined
   */
  ipAddress?: string | undefined;
  /**
   * `allowed_updates`: the update types to receive; `[]` means Telegram's default set (all except
   * `chat_member`, `message_reaction` and `message_reaction_count`). Compared as a set, in any order.
   * When omitted it is neither sent nor compared, and Telegram keeps the previous setting.
   * @default undefined
   */
  allowedUpdates?: readonly KnownUpdateType[] | undefined;
  /**
   * `drop_pending_updates`: discard queued updates. Sent only along with a `setWebhook` call that happens
   * anyway (something differs, or `mode: "always"`); it never triggers a call on its own, so a restart
   * with an unchanged config never loses updates.
   * @default false
   */
  dropPendingUpdates?: boolean | undefined;
  /**
   * A self-signed public key certificate (PEM) to upload as the multipart field `certificate`, at most
   * 3 MiB. The core takes bytes or a `Blob` only, so it runs on every runtime; to use a file path, read it
   * in a Node layer (the `telehook` CLI's `--certificate <path>` does that). Its SHA-256 is part of the URL
   * fingerprint, so replacing the certificate re-registers the webhook once.
   * @default undefined (no custom certificate; a registered one is replaced by none)
   */
  certificate?: Uint8Array | Blob | undefined;
}

/** A {@link WebhookConfig} after validation. */
export interface ValidatedWebhookConfig {
  /** True when the local Bot API server's relaxed rules applied. */
  readonly local: boolean;
  /** The normalized URL without the `telehook=` fingerprint parameter. */
  readonly baseUrl: string;
  /** The checked `secretToken`; undefined only when `allowUnauthenticated` is true. */
  readonly secretToken: string | undefined;
  /** The checked `maxConnections`; undefined when it is neither sent nor compared (Telegram's 40 applies). */
  readonly maxConnections: number | undefined;
  /** The checked `ipAddress`; undefined when it is neither sent nor compared. */
  readonly ipAddress: string | undefined;
  /** The checked `allowedUpdates`; undefined when it is neither sent nor compared. */
  readonly allowedUpdates: readonly KnownUpdateType[] | undefined;
  /** Whether `setWebhook` drops the updates waiting at Telegram. */
  readonly dropPendingUpdates: boolean;
  /** The self-signed certificate to upload; undefined for none. */
  readonly certificate: Blob | undefined;
}

const ALLOWED_PORTS = new Set(["", "80", "88", "8443"]); // URL drops the default 443 to ""
const HOST_CHARACTERS = /^[A-Za-z0-9._\-!$,~*'()&+=;]+$/;
const MAX_URL_LENGTH = 3500; // the request line and headers must fit in 4 KiB
const MAX_CERTIFICATE_BYTES = 3 * 1024 * 1024;

function invalid(message: string): TelehookError {
  return new TelehookError("invalid_webhook_config", message);
}

/**
 * Checks a webhook config against Telegram's rules, without any network call, and throws a TelehookError
 * with code `"invalid_webhook_config"` that says what to change. In `local` mode (a local Bot API server)
 * http, any port, any IP address and up to 100000 connections are allowed. Messages never contain the
 * secret token or the URL's password.
 */
export function validateWebhookConfig(
  config: WebhookConfig,
  { local }: { local: boolean },
): ValidatedWebhookConfig {
  if (typeof config !== "object" || config === null) throw invalid("the webhook config must be an object.");
  return {
    local,
    baseUrl: validateUrl(config.url, local),
    secretToken: validateSecret(config),
    maxConnections: validateMaxConnections(config.maxConnections, local),
    ipAddress: validateIpAddress(config.ipAddress, local),
    allowedUpdates: validateAllowedUpdates(config.allowedUpdates),
    dropPendingUpdates: validateFlag(config.dropPendingUpdates, "dropPendingUpdates"),
    certificate: validateCertificate(config.certificate),
  };
}

function validateUrl(input: unknown, local: boolean): string {
  if (typeof input !== "string" || input.trim() === "") {
    throw invalid("url is missing: pass the public https URL Telegram should post updates to.");
  }
  let url: URL;
  try {
    url = new URL(input.trim());
  } catch {
    throw invalid("url is not an absolute URL; write it in full, e.g. https://bot.example.com/telegram.");
  }
  const scheme = url.protocol.slice(0, -1);
  if (scheme !== "https" && !(local && scheme === "http")) {
    throw invalid(
      local
        ? `url must start with https:// or http://, not ${scheme}://.`
        : `url must start with https:// (Telegram refuses ${scheme}://); http is only allowed with a local Bot API server.`,
    );
  }
  if (url.hash !== "" || input.includes("#")) {
    throw invalid("url must not contain a #fragment: Telegram would send it in the request line.");
  }
  if (!local && !ALLOWED_PORTS.has(url.port)) {
    throw invalid(`url uses port ${url.port}; Telegram only delivers to ports 443, 80, 88 and 8443.`);
  }
  validateHost(url.hostname, local);
  const baseUrl = removeFingerprint(url.href);
  if (baseUrl.length > MAX_URL_LENGTH) {
    throw invalid(`url is ${baseUrl.length} characters long; keep it under ${MAX_URL_LENGTH}.`);
  }
  return baseUrl;
}

function validateHost(host: string, local: boolean): void {
  if (host === "" || host === ".") throw invalid("url has no host name.");
  if (host.startsWith("[")) {
    if (local) return;
    throw invalid(`url's host ${host} is an IPv6 address; Telegram only delivers webhooks over IPv4.`);
  }
  if (!HOST_CHARACTERS.test(host)) {
    throw invalid(`url's host ${host} contains characters Telegram does not accept in a host name.`);
  }
  if (host.length > 253) throw invalid("url's host name is longer than 253 characters.");
  if (local) return;
  const v4 = parseIPv4(host);
  if (v4 !== null && isReservedIPv4(v4)) {
    throw invalid(
      `url's host ${host} is a private or reserved IP address, which Telegram refuses. Use a public address, a tunnel, or a local Bot API server.`,
    );
  }
  const name = host.replace(/\.$/, "");
  if (name === "localhost" || name.endsWith(".localhost")) {
    throw invalid(
      `url's host ${host} points at this machine, which Telegram cannot reach. Use a public host name or a tunnel.`,
    );
  }
}

function validateSecret(config: WebhookConfig): string | undefined {
  const allowUnauthenticated = validateFlag(config.allowUnauthenticated, "allowUnauthenticated");
  if (config.secretToken === undefined) {
    if (allowUnauthenticated) return undefined;
    throw invalid(
      "secretToken is missing. Pass the same secret the webhook handler checks, or set allowUnauthenticated: true to register the webhook without one.",
    );
  }
  try {
    assertValidSecretToken(config.secretToken, "secretToken");
  } catch (error) {
    // Same message (it never repeats the secret), under this function's code.
    throw invalid((error as TelehookError).detail);
  }
  return config.secretToken;
}

function validateMaxConnections(value: unknown, local: boolean): number | undefined {
  if (value === undefined) return undefined;
  const max = local ? 100_000 : 100;
  if (typeof value !== "number" || !Number.isInteger(value) || value < 1 || value > max) {
    throw invalid(
      `maxConnections must be a whole number from 1 to ${max}${local ? "" : " (100000 only on a local Bot API server)"}.`,
    );
  }
  return value;
}

function validateIpAddress(value: unknown, local: boolean): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== "string") throw invalid("ipAddress must be a string such as 203.0.113.7.");
  const v4 = parseIPv4(value);
  if (v4 === null) {
    if (local && isIPv6(value)) return value;
    throw invalid(`ipAddress ${JSON.stringify(value.slice(0, 60))} is not a dotted IPv4 address.`);
  }
  if (!local && isReservedIPv4(v4)) {
    throw invalid(
      `ipAddress ${value} is private or reserved; Telegram only connects to public IPv4 addresses.`,
    );
  }
  return value;
}

function validateAllowedUpdates(value: unknown): readonly KnownUpdateType[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value))
    throw invalid('allowedUpdates must be an array such as ["message", "callback_query"].');
  for (const type of value) {
    if (typeof type !== "string" || !isKnownUpdateType(type)) {
      throw invalid(
        `allowedUpdates contains ${JSON.stringify(String(type).slice(0, 60))}, which is not an update type. Telegram silently ignores unknown names, so this would be lost.`,
      );
    }
  }
  return [...new Set(value as KnownUpdateType[])];
}

function validateFlag(value: unknown, name: string): boolean {
  if (value === undefined) return false;
  if (typeof value !== "boolean") throw invalid(`${name} must be true or false.`);
  return value;
}

function validateCertificate(value: unknown): Blob | undefined {
  if (value === undefined) return undefined;
  let blob: Blob;
  if (value instanceof Blob) blob = value;
  else if (value instanceof Uint8Array) blob = new Blob([new Uint8Array(value)]);
  else {
    throw invalid(
      "certificate must be the PEM file's bytes (Uint8Array) or a Blob. Read a file path in your Node code first, e.g. await readFile(path).",
    );
  }
  if (blob.size === 0) throw invalid("certificate is empty.");
  if (blob.size > MAX_CERTIFICATE_BYTES) throw invalid("certificate is larger than Telegram's 3 MiB limit.");
  return blob;
}
