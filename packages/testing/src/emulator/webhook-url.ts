// Hand-written on purpose: splits a webhook URL the way the Bot API server's own parser does (its leniencies and refusals), which WHATWG URL does not.
import { isIPv6 } from "node:net";

/** A webhook URL split the way the Bot API server splits it. */
export interface WebhookUrl {
  /** `https` unless the URL says `http://`. */
  readonly protocol: "http" | "https";
  /** The raw `user:pass` before `@`, or `""`. */
  readonly userinfo: string;
  /** The host, lower-cased; IPv6 literals keep their brackets. */
  readonly host: string;
  /** True for an `[IPv6]` literal host. */
  readonly isIpv6: boolean;
  /** The port to connect to: the one given, or 443/80 by scheme. */
  readonly port: number;
  /** The request target: path, query and `#fragment` verbatim, bytes ≤ 0x20 percent-encoded. */
  readonly target: string;
}

const HOST_CHAR = /[a-z0-9.\-_!$,~*'()&+=;]/;

/**
 * Parses a webhook URL like the server's `parse_url`: an optional `http://` or `https://` (any case, default
 * https), optional userinfo, a host, an optional port 1–65535 and the rest as the request target.
 * Trailing whitespace after the host is trimmed. Returns undefined for anything the server rejects with
 * "invalid webhook URL specified".
 */
export function parseWebhookUrl(url: string): WebhookUrl | undefined {
  let rest = url;
  let protocol: "http" | "https" = "https";
  const schemeEnd = indexOfAny(url, ":/?#@[]");
  if (url.startsWith("://", schemeEnd)) {
    const scheme = url.slice(0, schemeEnd).toLowerCase();
    if (scheme !== "http" && scheme !== "https") return undefined;
    protocol = scheme;
    rest = url.slice(schemeEnd + 3);
  }
  const authorityEnd = indexOfAny(rest, "/?#");
  const authority = rest.slice(0, authorityEnd);
  const afterAuthority = rest.slice(authorityEnd);

  let userinfoHost = authority;
  let port = 0;
  const colon = findPortColon(authority);
  if (colon !== -1) {
    const digits = authority.slice(colon + 1);
    if (!/^\d+$/.test(digits)) return undefined;
    port = Number(digits);
    if (port < 1 || port > 65_535) return undefined;
    userinfoHost = authority.slice(0, colon);
  }
  const at = userinfoHost.lastIndexOf("@");
  const userinfo = at === -1 ? "" : userinfoHost.slice(0, at);
  const host = userinfoHost.slice(at + 1).toLowerCase();
  if (host === "" || host === ".") return undefined;
  const isIpv6 = host.startsWith("[") && host.endsWith("]");
  if (isIpv6 ? !isIPv6(host.slice(1, -1)) : !isValidHost(host)) return undefined;

  return {
    protocol,
    userinfo,
    host,
    isIpv6,
    port: port === 0 ? (protocol === "http" ? 80 : 443) : port,
    target: requestTarget(afterAuthority),
  };
}

function indexOfAny(text: string, chars: string): number {
  for (let i = 0; i < text.length; i++) if (chars.includes(text.charAt(i))) return i;
  return text.length;
}

/** The colon before a port: the last `:` not followed by `]` or `@`. */
function findPortColon(authority: string): number {
  for (let i = authority.length - 1; i > 0; i--) {
    const char = authority.charAt(i);
    if (char === ":") return i;
    if (char === "]" || char === "@") return -1;
  }
  return -1;
}

function isValidHost(host: string): boolean {
  for (let i = 0; i < host.length; i++) {
    const char = host.charAt(i);
    if (HOST_CHAR.test(char) || host.charCodeAt(i) > 0x7f) continue;
    if (char === "%" && /^[0-9a-f]{2}$/.test(host.slice(i + 1, i + 3))) {
      i += 2;
      continue;
    }
    return false;
  }
  return true;
}

/** The path and query, with trailing whitespace trimmed as the server does, and bytes ≤ 0x20 escaped. */
function requestTarget(raw: string): string {
  const rest = raw.replace(/[ \t\r\n\0\v]+$/, "");
  const target = rest === "" ? "/" : rest.startsWith("/") ? rest : `/${rest}`;
  let encoded = "";
  for (const char of target) {
    const code = char.charCodeAt(0);
    encoded += code <= 0x20 ? `%${code.toString(16).toUpperCase().padStart(2, "0")}` : char;
  }
  return encoded;
}
