import { lookup } from "node:dns/promises";
import { isIP } from "node:net";
import { domainToASCII } from "node:url";
import { BotApiError } from "./bot-api-error.js";
import { isReservedIpv4 } from "./reserved-ip.js";
import type { WebhookUrl } from "./webhook-url.js";

/** Where and how webhook requests go, once a URL passed the server's checks. */
export interface WebhookTarget {
  /** The URL's scheme, without the colon. */
  readonly protocol: "http" | "https";
  /** The IP connected to, also shown as `ip_address` in getWebhookInfo. */
  readonly ip: string;
  /** The TCP port connected to: the URL's port, or its scheme's default when it names none. */
  readonly port: number;
  /** The `Host` header: the lower-cased ASCII host, with `:port` unless it is the scheme's default. */
  readonly hostHeader: string;
  /** The host name checked against the TLS certificate and sent as SNI (not for IP literals). */
  readonly servername: string | undefined;
  /** The request target as a latin1 string of its UTF-8 bytes, ready for `http.request`. */
  readonly path: string;
  /** `Basic <base64(userinfo)>` when the URL has userinfo. */
  readonly authorization: string | undefined;
}

/** What decides whether a URL is accepted. */
export interface TargetPolicy {
  /** Local mode: http, any port and any IP allowed. */
  readonly local: boolean;
  /** Outside local mode: a loopback host may use http and any port, and its 127.x IP is allowed. */
  readonly loopback?: boolean;
  /** The `ip_address` parameter, `""` when not given. */
  readonly fixedIp: string;
}

const ALLOWED_PORTS = new Set([80, 88, 443, 8443]);

function badWebhook(detail: string): BotApiError {
  return new BotApiError(400, `Bad Request: bad webhook: ${detail}`);
}

/**
 * Runs the checks the server makes before it answers setWebhook ("verification"): scheme and port outside
 * local mode, the fixed IP or a DNS lookup, and the reserved-IP rule. Nothing is sent to the URL.
 * Throws a {@link BotApiError} with the server's exact description.
 */
export async function resolveWebhookTarget(url: WebhookUrl, policy: TargetPolicy): Promise<WebhookTarget> {
  const loopback =
    policy.loopback === true &&
    (policy.fixedIp !== ""
      ? isLoopbackIp(policy.fixedIp)
      : url.host === "localhost" || isLoopbackIp(url.host));
  if (!policy.local && !loopback) {
    if (url.protocol !== "https") throw badWebhook("An HTTPS URL must be provided for webhook");
    if (!ALLOWED_PORTS.has(url.port)) {
      throw badWebhook("Webhook can be set up only on ports 80, 88, 443 or 8443");
    }
  }
  const bareHost = url.isIpv6 ? url.host.slice(1, -1) : url.host;
  const asciiHost = url.isIpv6 ? url.host : toAsciiHost(url.host);
  let ip: string;
  if (policy.fixedIp !== "") {
    const version = isIP(policy.fixedIp);
    if (version === 0 || (version === 6 && !policy.local)) throw badWebhook("Invalid IP address specified");
    ip = policy.fixedIp;
  } else if (isIP(bareHost) !== 0) {
    ip = bareHost;
  } else {
    ip = await resolveHost(asciiHost);
  }
  if (!policy.local && !(loopback && isLoopbackIp(ip))) {
    if (isIP(ip) === 6) throw badWebhook("IPv6-only addresses are not allowed");
    if (isReservedIpv4(ip)) throw badWebhook(`IP address ${ip} is reserved`);
  }
  const defaultPort = url.protocol === "https" ? 443 : 80;
  return {
    protocol: url.protocol,
    ip,
    port: url.port,
    hostHeader: url.port === defaultPort ? asciiHost : `${asciiHost}:${url.port}`,
    servername: isIP(bareHost) === 0 ? asciiHost : undefined,
    path: Buffer.from(url.target, "utf8").toString("latin1"),
    authorization:
      url.userinfo === "" ? undefined : `Basic ${Buffer.from(url.userinfo, "utf8").toString("base64")}`,
  };
}

function isLoopbackIp(ip: string): boolean {
  return isIP(ip) === 4 && ip.startsWith("127.");
}

function toAsciiHost(host: string): string {
  if (host.length > 253) throw badWebhook("Host name is too long");
  const ascii = domainToASCII(decodeURIComponentSafe(host));
  if (ascii === "") throw badWebhook("Host name must be encoded in UTF-8");
  return ascii;
}

function decodeURIComponentSafe(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

const RESOLVE_ERRORS: Readonly<Record<string, string>> = {
  ENOTFOUND: "Name or service not known",
  EAI_NONAME: "Name or service not known",
  ENODATA: "No address associated with hostname",
  EAI_NODATA: "No address associated with hostname",
  EAI_AGAIN: "Temporary failure in name resolution",
};

/** Resolves a host name, preferring IPv4 as the server does. */
async function resolveHost(host: string): Promise<string> {
  try {
    const addresses = await lookup(host, { all: true });
    const chosen = addresses.find((entry) => entry.family === 4) ?? addresses[0];
    if (chosen === undefined) throw Object.assign(new Error("no address"), { code: "ENODATA" });
    return chosen.address;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? "";
    throw badWebhook(`Failed to resolve host: ${RESOLVE_ERRORS[code] ?? "Name or service not known"}`);
  }
}
