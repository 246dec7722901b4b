/**
 * Where telehook records which updates were handled, so a redelivered copy is not handled again.
 * Each update is claimed before `onUpdate` runs, confirmed when it succeeds, released when it fails.
 * Implement it over Redis or a database to share it between instances; methods may return promises.
 */
export interface DedupeStore {
  /**
   * Claims an update. `"claimed"`: the caller now owns it and will confirm or release it.
   * `"done"`: it was handled already. `"busy"`: another owner is handling it right now.
   */
  claim(updateId: number): ClaimResult | Promise<ClaimResult>;
  /** The claimed update was handled: remember it as done. */
  confirm(updateId: number): void | Promise<void>;
  /** The claimed update failed: forget the claim so a redelivery may run it again. */
  release(updateId: number): void | Promise<void>;
}

/** The answer of {@link DedupeStore.claim}. */
export type ClaimResult = "claimed" | "done" | "busy";

/** Options of the in-memory store. */
export interface MemoryDedupeStoreOptions {
  /**
   * How many handled update ids to remember; the oldest are forgotten first. Telegram redelivers within
   * seconds to minutes of a lost answer, so the window only has to cover that many updates.
   * @default 10000
   */
  windowSize?: number;
}

/** An in-memory {@link DedupeStore} for one process, bounded to the last `windowSize` handled updates. */
export function createMemoryDedupeStore(options: MemoryDedupeStoreOptions = {}): DedupeStore {
  const windowSize = options.windowSize ?? 10_000;
  if (!Number.isSafeInteger(windowSize) || windowSize < 1) {
    throw new RangeError("@telehook/core: dedupe windowSize must be a positive whole number.");
  }
  const claimed = new Set<number>();
  const done = new Set<number>();
  // The handled ids in arrival order, as a ring: the slot about to be overwritten holds the oldest id.
  const ring: number[] = [];
  let oldest = 0;
  return {
    claim(updateId) {
      if (done.has(updateId)) return "done";
      if (claimed.has(updateId)) return "busy";
      claimed.add(updateId);
      return "claimed";
    },
    confirm(updateId) {
      claimed.delete(updateId);
      if (done.has(updateId)) return;
      done.add(updateId);
      if (ring.length < windowSize) {
        ring.push(updateId);
        return;
      }
      done.delete(ring[oldest] as number);
      ring[oldest] = updateId;
      oldest = (oldest + 1) % windowSize;
    },
    release(updateId) {
      claimed.delete(updateId);
    },
  };
}
