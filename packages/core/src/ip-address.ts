/**
 * IPv4 and IPv6 addresses, in one place: the `sourceIp` allowlist and the `setWebhook` rules (reserved
 * destinations, local mode) read addresses the same way. A dotted quad with a leading zero (`010.0.0.1`) is
 * not an address here: some parsers read it as octal, so it would mean different things to different readers.
 */

/**
 * The IPv4 ranges Telegram refuses as a webhook destination outside local mode
 * (telegram-bot-api `IPAddress::is_reserved`), as [first address, prefix length].
 */
const RESERVED_IPV4_RANGES: readonly (readonly [string, number])[] = [
  ["0.0.0.0", 8],
  ["10.0.0.0", 8],
  ["100.64.0.0", 10],
  ["127.0.0.0", 8],
  ["169.254.0.0", 16],
  ["172.16.0.0", 12],
  ["192.0.0.0", 24],
  ["192.0.2.0", 24],
  ["192.88.99.0", 24],
  ["192.168.0.0", 16],
  ["198.18.0.0", 15],
  ["198.51.100.0", 24],
  ["203.0.113.0", 24],
  ["224.0.0.0", 3],
];

const IPV4_PATTERN = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

/** Parses a dotted-quad IPv4 address (`"149.154.167.220"`) to a 32-bit number, or `null`. */
export function parseIPv4(text: string): number | null {
  const match = IPV4_PATTERN.exec(text);
  if (!match) return null;
  let value = 0;
  for (const part of match.slice(1)) {
    const octet = Number(part);
    if (octet > 255 || (part.length > 1 && part.startsWith("0"))) return null;
    value = value * 256 + octet;
  }
  return value;
}

/** Parses an IPv4 range (`"149.154.160.0/20"`) to its network and mask, or `null`. */
export function parseIPv4Range(cidr: string): readonly [network: number, mask: number] | null {
  const [base = "", bits = "32", extra] = cidr.split("/");
  const address = parseIPv4(base);
  const size = Number(bits);
  if (address === null || extra !== undefined || !/^\d{1,2}$/.test(bits) || size > 32) return null;
  const mask = size === 0 ? 0 : (0xffffffff << (32 - size)) >>> 0;
  return [(address & mask) >>> 0, mask];
}

/** True for an IPv4 address in one of the ranges Telegram will not deliver webhooks to. */
export function isReservedIPv4(address: number): boolean {
  return RESERVED_IPV4_RANGES.some(([first, prefix]) => {
    const start = parseIPv4(first) as number;
    const size = 2 ** (32 - prefix);
    return address >= start && address < start + size;
  });
}

/** True when `text` is an IPv6 address, with or without the URL brackets. */
export function isIPv6(text: string): boolean {
  const bare = text.startsWith("[") && text.endsWith("]") ? text.slice(1, -1) : text;
  if (!bare.includes(":")) return false;
  try {
    return new URL(`http://[${bare}]/`).hostname !== "";
  } catch {
    return false;
  }
}

/** True for IPv6 loopback, unique-local (fc00::/7) and link-local (fe80::/10) addresses. */
export function isPrivateIPv6(text: string): boolean {
  const bare = (text.startsWith("[") ? text.slice(1, -1) : text).toLowerCase();
  if (bare === "::1") return true;
  if (/^f[cd][0-9a-f]{0,2}:/.test(bare)) return true;
  if (/^fe[89ab][0-9a-f]?:/.test(bare)) return true;
  const mapped = /^::ffff:(.+)$/.exec(bare)?.[1];
  if (mapped !== undefined) {
    const v4 = parseIPv4(mapped) ?? hexMappedIPv4(mapped);
    return v4 !== null && isReservedIPv4(v4);
  }
  return false;
}

/** `7f00:1` (how URL writes `::ffff:127.0.0.1`) → the IPv4 number. */
function hexMappedIPv4(text: string): number | null {
  const match = /^([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(text);
  if (!match) return null;
  return Number.parseInt(match[1] as string, 16) * 65536 + Number.parseInt(match[2] as string, 16);
}
