import { isIPv6, isPrivateIPv6, isReservedIPv4, parseIPv4 } from "../ip-address.js";

const PRIVATE_SUFFIXES = [".localhost", ".local", ".internal", ".lan", ".home.arpa"];

/**
 * True when `apiRoot` points at a Bot API server on this machine or a private network, which telehook
 * then takes for a local `telegram-bot-api --local` server (or an emulator): a host named `localhost` or
 * ending in `.localhost`, `.local`, `.internal`, `.lan` or `.home.arpa`; a single-label name such as a
 * Docker Compose service (`http://telegram-bot-api:8081`); a loopback, private, link-local or other
 * reserved IPv4 address; or an IPv6 loopback, unique-local or link-local address.
 * `api.telegram.org` and every other public name are not local.
 */
export function isLocalApiRoot(apiRoot: string): boolean {
  let host: string;
  try {
    host = new URL(apiRoot).hostname.toLowerCase();
  } catch {
    return false;
  }
  if (host === "") return false;
  if (isIPv6(host)) return isPrivateIPv6(host);
  const v4 = parseIPv4(host);
  if (v4 !== null) return isReservedIPv4(v4);
  const name = host.replace(/\.$/, "");
  if (name === "localhost" || !name.includes(".")) return true;
  return PRIVATE_SUFFIXES.some((suffix) => name.endsWith(suffix));
}
