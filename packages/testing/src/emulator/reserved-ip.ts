// Deliberate independent oracle: the emulator's own copy of the reserved IPv4 ranges, not imported from
// @telehook/core (its copy is isReservedIPv4 in packages/core/src/ip-address.ts).
// packages/testing/test/emulator/core-agreement.test.ts checks that the two agree at the edge of every range.
/** IPv4 ranges a webhook may not point at outside local mode. */
const RESERVED_RANGES: ReadonlyArray<readonly [string, number]> = [
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

function ipv4ToNumber(ip: string): number {
  return ip.split(".").reduce((acc, part) => acc * 256 + Number(part), 0);
}

/** True when an IPv4 address lies in one of the reserved ranges. */
export function isReservedIpv4(ip: string): boolean {
  const value = ipv4ToNumber(ip);
  return RESERVED_RANGES.some(([base, bits]) => {
    const size = 2 ** (32 - bits);
    const start = ipv4ToNumber(base);
    return value >= start && value < start + size;
  });
}
