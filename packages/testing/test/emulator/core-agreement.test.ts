import { isIP } from "node:net";
import { describe, expect, it } from "vitest";
// Core's own copies, read from its source: some of them are not (or may stop being) public names.
import { queueKeyOf as coreQueueKeyOf } from "../../../core/src/delivery/queue-key.js";
import { isPrivateIPv6, isReservedIPv4, parseIPv4 } from "../../../core/src/ip-address.js";
import { UPDATE_TYPES_IN_SERVER_ORDER, type Update } from "../../../core/src/update.js";
import { SERVER_UPDATE_TYPE_ORDER, updates, webhookQueueIdOf } from "../../src/emulator/index.js";
import { isReservedIpv4 } from "../../src/emulator/reserved-ip.js";

// The emulator keeps its own copies of the update types, the queue keys and the reserved IPv4 ranges, on
// purpose: an independent oracle for @telehook/core. These tests check that each pair agrees, and (the
// controls) that the comparison catches a copy with one fact changed.

/** Core's update types that the server's enum (the emulator's list) does not have, on purpose. */
const CORE_ONLY_UPDATE_TYPES = ["stopped_message_generation", "subscription"];

/** How two lists of update types differ: missing or extra types, or the same types in another order. */
function updateTypeDifferences(emulator: readonly string[], core: readonly string[]): string[] {
  const known = new Set(emulator);
  const shared = core.filter((type) => known.has(type));
  const extra = core.filter((type) => !known.has(type));
  const problems: string[] = [];
  for (const type of emulator) if (!core.includes(type)) problems.push(`core lacks ${type}`);
  if (JSON.stringify(extra) !== JSON.stringify(CORE_ONLY_UPDATE_TYPES)) {
    problems.push(`core-only types ${extra.join(", ")}`);
  }
  if (problems.length === 0 && JSON.stringify(shared) !== JSON.stringify(emulator)) problems.push("order");
  return problems;
}

type KeyOf = (update: object) => unknown;

/** Pairs of updates that share a queue under one key function but not under the other. */
function queueKeyDifferences(samples: readonly object[], emulator: KeyOf, core: KeyOf): string[] {
  const keys = samples.map((update) => ({ emulator: emulator(update), core: core(update) }));
  const problems: string[] = [];
  for (const [i, a] of keys.entries()) {
    if (a.core === undefined) problems.push(`core has no key for ${JSON.stringify(samples[i])}`);
    for (const [j, b] of keys.entries()) {
      if (j > i && (a.core === b.core) !== (a.emulator === b.emulator)) {
        problems.push(`${JSON.stringify(samples[i])} vs ${JSON.stringify(samples[j])}`);
      }
    }
  }
  return problems;
}

function typeAndPayload(update: object): [string, unknown] {
  return Object.entries(update).find(([key]) => key !== "update_id") as [string, unknown];
}

const emulatorKey: KeyOf = (update) => webhookQueueIdOf(...typeAndPayload(update));
const coreKey: KeyOf = (update) => coreQueueKeyOf(update as Update, typeAndPayload(update)[0]);

/** Every update factory, in private chats, a group and with a user who is not the chat. */
function everyFactorysUpdates(): object[] {
  const made: object[] = [];
  const factories = Object.values(updates) as ((options: object) => object)[];
  for (const [chatId, fromId] of [
    [42, 42],
    [43, 43],
    [-1001, 42],
    [42, 44],
  ]) {
    for (const factory of factories) made.push(factory({ chatId, fromId }));
    made.push(
      updates.callbackQuery({ fromId, message: null }),
      updates.widgetQuery({ inline: true, fromId }),
      updates.poll({ extra: { id: `poll${fromId}` } }),
      updates.pollAnswer({ fromId, extra: { poll_id: `poll${fromId}` } }),
    );
  }
  return made;
}

/** Reserved or not, for a valid dotted quad: core parses, then looks it up in its table. */
function coreReserved(address: string): boolean {
  const value = parseIPv4(address);
  if (value === null) throw new Error(`core cannot parse ${address}`);
  return isReservedIPv4(value);
}

/** Addresses at and beside the edges of every reserved range (second and third octets around each edge). */
function ipv4Edges(): string[] {
  const seconds = [
    0, 1, 15, 16, 17, 18, 19, 20, 31, 32, 51, 63, 64, 88, 127, 128, 167, 168, 169, 253, 254, 255,
  ];
  const thirds = [0, 1, 2, 3, 98, 99, 100, 101, 112, 113, 114, 255];
  const addresses: string[] = [];
  for (let first = 0; first < 256; first++) {
    for (const second of seconds) {
      for (const third of thirds)
        addresses.push(`${first}.${second}.${third}.0`, `${first}.${second}.${third}.255`);
    }
  }
  return addresses;
}

function reservedDifferences(
  addresses: readonly string[],
  emulator: (address: string) => boolean,
  core: (address: string) => boolean,
): string[] {
  return addresses.filter((address) => emulator(address) !== core(address));
}

describe("the emulator and @telehook/core agree", () => {
  it("on the update types, in the server's order", () => {
    expect(updateTypeDifferences(SERVER_UPDATE_TYPE_ORDER, UPDATE_TYPES_IN_SERVER_ORDER)).toEqual([]);
    const made = new Set(everyFactorysUpdates().map((update) => typeAndPayload(update)[0]));
    expect([...made].sort()).toEqual([...SERVER_UPDATE_TYPE_ORDER].sort());
  });

  it("control: a list with one type removed, or two swapped, is caught", () => {
    const core: string[] = [...UPDATE_TYPES_IN_SERVER_ORDER];
    expect(updateTypeDifferences(SERVER_UPDATE_TYPE_ORDER, core.slice(1))).toEqual(["core lacks message"]);
    [core[0], core[1]] = [core[1] as string, core[0] as string];
    expect(updateTypeDifferences(SERVER_UPDATE_TYPE_ORDER, core)).toEqual(["order"]);
  });

  it("on which updates share a delivery queue, for every update factory", () => {
    const differences = queueKeyDifferences(everyFactorysUpdates(), emulatorKey, coreKey);
    // The one known disagreement: the emulator queues a guest message (by chat) in the same namespace as
    // purchased paid media (by user), core keeps them apart. Which one the server does has not been read
    // from its source. When they come to agree, this exception goes.
    const known = (pair: string) =>
      pair.includes('"guest_message"') && pair.includes('"purchased_paid_media"');
    expect(differences.filter((pair) => !known(pair))).toEqual([]);
    expect(differences.length).toBeGreaterThan(0);
  });

  it("control: an emulator that queued callback queries with the chat's messages is caught", () => {
    const altered: KeyOf = (update) => {
      const [type, payload] = typeAndPayload(update);
      if (type !== "callback_query") return emulatorKey(update);
      const from = (payload as { from: { id: number } }).from.id;
      return emulatorKey(updates.message({ chatId: from, fromId: from }));
    };
    expect(queueKeyDifferences(everyFactorysUpdates(), altered, coreKey).length).toBeGreaterThan(0);
  });

  it("on the reserved IPv4 ranges, at the edge of every range", () => {
    const addresses = ipv4Edges();
    expect(reservedDifferences(addresses, isReservedIpv4, coreReserved)).toEqual([]);
    for (const [address, reserved] of [
      ["0.0.0.0", true],
      ["9.255.255.255", false],
      ["100.64.0.0", true],
      ["100.127.255.255", true],
      ["100.128.0.0", false],
      ["149.154.167.220", false],
      ["223.255.255.255", false],
      ["224.0.0.0", true],
      ["255.255.255.255", true],
    ] as const) {
      expect(isReservedIpv4(address), address).toBe(reserved);
      expect(coreReserved(address), address).toBe(reserved);
    }
  });

  it("on addresses that are not dotted quads: leading zeros are no IPv4 address to either", () => {
    // The emulator only looks up addresses node:net's isIP calls IPv4, as the server only sees parsed ones.
    for (const address of [
      "010.0.0.1",
      "127.000.0.1",
      "1.2.3.04",
      "256.1.1.1",
      "1.2.3",
      "1.2.3.4.5",
      " 1.2.3.4",
    ]) {
      expect(isIP(address), address).not.toBe(4);
      expect(parseIPv4(address), address).toBeNull();
    }
  });

  it("on IPv4-mapped IPv6 addresses: core refuses exactly the mapped reserved ones", () => {
    for (const [mapped, v4] of [
      ["::ffff:127.0.0.1", "127.0.0.1"],
      ["::ffff:7f00:1", "127.0.0.1"],
      ["::ffff:10.1.2.3", "10.1.2.3"],
      ["::ffff:192.168.1.1", "192.168.1.1"],
      ["::ffff:100.64.0.1", "100.64.0.1"],
      ["::ffff:8.8.8.8", "8.8.8.8"],
      ["::ffff:808:808", "8.8.8.8"],
      ["::ffff:149.154.167.220", "149.154.167.220"],
    ] as const) {
      expect(isPrivateIPv6(mapped), mapped).toBe(isReservedIpv4(v4));
    }
  });

  it("control: an emulator table without 100.64.0.0/10 is caught", () => {
    const altered = (address: string) =>
      address.startsWith("100.") && Number(address.split(".")[1]) >= 64 && Number(address.split(".")[1]) < 128
        ? false
        : isReservedIpv4(address);
    expect(reservedDifferences(ipv4Edges(), altered, coreReserved)).toContain("100.64.0.0");
  });
});
