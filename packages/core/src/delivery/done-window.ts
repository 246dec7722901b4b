import type { DeliveryStore } from "./delivery-store.js";

/**
 * The ids of handled updates, each remembered until its retention ends, at most `size` of them: the
 * oldest is forgotten first. The ids sit in a ring in the order they were first confirmed, and their
 * expiry times in a parallel array of plain doubles, so remembering an id allocates nothing that
 * outlives the call. (Deleting a Map's first key over and over is slow in V8: its iterator walks the
 * deleted slots; a ring avoids that.)
 */
export class DoneWindow {
  readonly #size: number;
  readonly #ids: number[] = [];
  /** When the id in each slot stops counting as done, on `performance.now()`'s clock. */
  readonly #until: number[] = [];
  /** Each remembered id's slot. */
  readonly #slots = new Map<number, number>();
  #oldest = 0;

  constructor(size: number) {
    this.#size = size;
  }

  /** True while `updateId` counts as handled; reads the clock only for an id it knows. */
  has(updateId: number, now: () => number): boolean {
    const slot = this.#slots.get(updateId);
    return slot !== undefined && (this.#until[slot] as number) > now();
  }

  /** Remembers `updateId` as handled until `until`; an id already known only gets the new time. */
  remember(updateId: number, until: number): void {
    const known = this.#slots.get(updateId);
    if (known !== undefined) {
      this.#until[known] = until;
      return;
    }
    if (this.#ids.length < this.#size) {
      this.#slots.set(updateId, this.#ids.length);
      this.#ids.push(updateId);
      this.#until.push(until);
      return;
    }
    const slot = this.#oldest;
    this.#slots.delete(this.#ids[slot] as number);
    this.#slots.set(updateId, slot);
    this.#ids[slot] = updateId;
    this.#until[slot] = until;
    this.#oldest = (slot + 1) % this.#size;
  }
}

/**
 * The store a handler makes for itself when it is given none: a done window, and no leases. Within one
 * handler the leases would never be refused, so they are left out: a copy of an update that is running
 * joins that run before the store is asked (so never `"busy"`), and a chat's line lets one update at a
 * time reach the store (so never `"queued"`). A store that several handlers share needs the leases:
 * that is {@link createMemoryStore}.
 */
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
