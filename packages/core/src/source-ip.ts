import { TelehookError } from "./errors.js";
import { parseIPv4, parseIPv4Range } from "./ip-address.js";

/** The ranges Telegram publishes for webhook requests (IPv4 only; Telegram does not deliver over IPv6). */
export const TELEGRAM_SOURCE_RANGES: readonly string[] = Object.freeze(["149.154.160.0/20", "91.108.4.0/22"]);

/** Options of the optional source-address allowlist. */
export interface SourceIpOptions {
  /**
   * The IPv4 ranges (CIDR) requests may come from.
   * @default Telegram's published ranges, {@link TELEGRAM_SOURCE_RANGES}
   */
  allow?: readonly string[];
  /**
   * How many reverse proxies you run in front of this server. With 0, the address of the TCP peer is
   * checked and `X-Forwarded-For` is ignored. With N, the Nth address from the right of
   * `X-Forwarded-For` is checked: the one your own outermost proxy saw. Never trust the header blindly.
   * @default 0
   */
  trustedProxyHops?: number;
}

/**
 * True when these `sourceIp` options check the TCP peer's address, that is, when the allowlist is on and
 * trusts no proxy. An adapter whose peer address is costly or may fail to come by (Hono's `getConnInfo`)
 * asks for it only then.
 */
export function usesPeerAddress(options: SourceIpOptions | undefined): boolean {
  return options !== undefined && (options.trustedProxyHops ?? 0) === 0;
}

type Range = readonly [network: number, mask: number];

/** Builds the allowlist check; throws at once on a malformed range. */
export function createSourceIpCheck(
  options: SourceIpOptions,
): (peer: string | undefined, forwardedFor: string | null | undefined) => boolean {
  const ranges = (options.allow ?? TELEGRAM_SOURCE_RANGES).map(parseRange);
  const hops = options.trustedProxyHops ?? 0;
  if (!Number.isSafeInteger(hops) || hops < 0) {
    throw new TelehookError(
      "invalid_options",
      "sourceIp.trustedProxyHops must be a whole number of proxies, 0 or more.",
    );
  }
  return (peer, forwardedFor) => {
    const chain = hops === 0 ? [] : (forwardedFor ?? "").split(",").map((part) => part.trim());
    const client = hops === 0 ? peer : chain[chain.length - hops];
    const address = client === undefined ? null : parseIPv4(client.replace(/^::ffff:/i, ""));
    return address !== null && ranges.some(([network, mask]) => (address & mask) >>> 0 === network);
  };
}

function parseRange(cidr: string): Range {
  const range = parseIPv4Range(cidr);
  if (range === null) {
    throw new TelehookError(
      "invalid_options",
      `sourceIp.allow has "${cidr}", which is not an IPv4 range such as 149.154.160.0/20.`,
    );
  }
  return range;
}
