import type { DeliveryStore } from "./delivery-store.js";

/**
 * The ids of handled updates, each remembered until its retention ends, at most `size` of them: the
 * oldest is forgotten first. The ids sit in a ring in the order they were first confirmed, with their
 * expiry times in a parallel array of plain doubles, and are found through a hash table of ring slots
 * kept in one `Int32Array` (open addressing, linear probing). Once the ring is full, remembering an id
 * allocates nothing at all. A `Map` of 10,000 ids, which forgets one key and learns another on every
 * update, rebuilt its table every few thousand updates; each rebuild allocated half a megabyte in the
 * old generation, and the major collections that this brought on cost more than the rest of the window.
 */
export class DoneWindow {
  readonly #size: number;
  readonly #ids: number[] = [];
  /** When the id in each slot stops counting as done, on `performance.now()`'s clock. */
  readonly #until: number[] = [];
  #oldest = 0;
  /** Each bucket holds a ring slot + 1, or 0 when empty; at most half of them are in use. */
  #buckets = new Int32Array(16);
  /** 32 − log2(buckets), for the multiplicative hash's top bits. */
  #shift = 28;

  constructor(size: number) {
    this.#size = size;
  }

  /** True while `updateId` counts as handled; reads the clock only for an id it knows. */
  has(updateId: number, now: () => number): boolean {
    const bucket = this.#find(updateId);
    if (bucket === -1) return false;
    return (this.#until[(this.#buckets[bucket] as number) - 1] as number) > now();
  }

  /** Remembers `updateId` as handled until `until`; an id already known only gets the new time. */
  remember(updateId: number, until: number): void {
    const known = this.#find(updateId);
    if (known !== -1) {
      this.#until[(this.#buckets[known] as number) - 1] = until;
      return;
    }
    let slot: number;
    if (this.#ids.length < this.#size) {
      slot = this.#ids.length;
      this.#ids.push(updateId);
      this.#until.push(until);
      // Growing puts every slot in, the new one too.
      if (this.#ids.length * 2 > this.#buckets.length) {
        this.#grow();
        return;
      }
    } else {
      slot = this.#oldest;
      this.#remove(slot);
      this.#ids[slot] = updateId;
      this.#until[slot] = until;
      this.#oldest = (slot + 1) % this.#size;
    }
    this.#insert(slot);
  }

  #home(updateId: number): number {
    // Ids are safe integers: fold their high bits into the low 32, then keep the product's top bits.
    const folded = (updateId | 0) ^ ((updateId / 0x1_0000_0000) | 0);
    return Math.imul(folded, 0x9e37_79b1) >>> this.#shift;
  }

  /** The bucket that holds `updateId`'s slot, or -1. */
  #find(updateId: number): number {
    const buckets = this.#buckets;
    const mask = buckets.length - 1;
    for (let bucket = this.#home(updateId); ; bucket = (bucket + 1) & mask) {
      const entry = buckets[bucket] as number;
      if (entry === 0) return -1;
      if (this.#ids[entry - 1] === updateId) return bucket;
    }
  }

  #insert(slot: number): void {
    const buckets = this.#buckets;
    const mask = buckets.length - 1;
    let bucket = this.#home(this.#ids[slot] as number);
    while (buckets[bucket] !== 0) bucket = (bucket + 1) & mask;
    buckets[bucket] = slot + 1;
  }

  /**
   * Takes a slot's id out of the table. The entries after it in its run move back into the gap when their
   * own home bucket allows, so that every entry stays reachable from its home without tombstones.
   */
  #remove(slot: number): void {
    const buckets = this.#buckets;
    const mask = buckets.length - 1;
    let gap = this.#find(this.#ids[slot] as number);
    if (gap === -1) return;
    buckets[gap] = 0;
    for (let bucket = (gap + 1) & mask; buckets[bucket] !== 0; bucket = (bucket + 1) & mask) {
      const entry = buckets[bucket] as number;
      const home = this.#home(this.#ids[entry - 1] as number);
      // The entry may fill the gap if the gap lies between its home and where it sits now.
      if (((bucket - home) & mask) >= ((bucket - gap) & mask)) {
        buckets[gap] = entry;
        buckets[bucket] = 0;
        gap = bucket;
      }
    }
  }

  /** Doubles the table while the ring fills up, and puts every slot back in. */
  #grow(): void {
    this.#buckets = new Int32Array(this.#buckets.length * 2);
    this.#shift--;
    for (let slot = 0; slot < this.#ids.length; slot++) this.#insert(slot);
  }
}

export function createOwnStore(windowSize = 10_000): DeliveryStore {
  const clock = () => performance.now();
  const done = new DoneWindow(windowSize);
  return {
    claim: ({ updateId }) => (done.has(updateId, clock) ? "done" : "claimed"),
    renew: () => true,
    confirm({ updateId, retentionMs }) {
      done.remember(updateId, clock() + retentionMs);
    },
    release() {},
  };
}
