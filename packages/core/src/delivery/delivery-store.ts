import { TelehookError } from "../errors.js";
import { DoneWindow } from "./done-window.js";

/**
 * Where telehook records which updates are running and which were handled, so that a copy Telegram sends
 * again is not handled twice, and a chat's updates run one at a time, even across several instances.
 *
 * The calls of one run of an update share an `owner` token, unique to that run: only the owner may renew,
 * confirm or release what it claimed. Claims are leases: one whose owner died (a killed instance) expires
 * after `leaseMs`, and the update can then run elsewhere. A long run renews its leases while it runs.
 *
 * Every method may return a value, a promise or another library's thenable. Each call gets the handler's
 * `storeTimeoutMs`; a claim that fails or times out is answered 503 with `Retry-After` (fail closed), so
 * Telegram keeps the update. `@telehook/testing` holds a conformance suite for stores
 * (`describeStoreConformance`); run it against yours.
 */
export interface DeliveryStore {
  /**
   * Claims the update and, when it has one, its queue key (its chat, user or poll), together and
   * atomically, both as leases of `leaseMs`. Answers:
   * - `"claimed"`: this owner now holds both; it will confirm or release them.
   * - `"done"`: the update was handled already (within the retention window). Nothing was taken.
   * - `"busy"`: another owner holds the update. Nothing was taken.
   * - `"queued"`: the update is free, but another owner holds its queue key (an earlier update of the same
   *   chat runs elsewhere). Nothing was taken; the caller may ask again.
   */
  claim(claim: LeaseRequest): ClaimResult | PromiseLike<ClaimResult>;
  /**
   * Extends the leases this owner holds on the update and its queue key to `leaseMs` from now. Answers
   * `false` when they are no longer this owner's (they expired and someone else took them).
   */
  renew(claim: LeaseRequest): boolean | PromiseLike<boolean>;
  /**
   * The update was handled (or given up on): remember it as done for `retentionMs`, and free the queue key.
   * Does nothing to leases this owner no longer holds, except that the update is remembered as done.
   */
  confirm(
    claim: DeliveryClaim & {
      /** How long to remember the update as done, in milliseconds (the webhook's `retentionMs`). */
      readonly retentionMs: number;
    },
  ): void | PromiseLike<void>;
  /** The update failed and Telegram will send it again: free the update and the queue key if this owner holds them. */
  release(claim: DeliveryClaim): void | PromiseLike<void>;
}

/** Which update a store call is about, and who is asking. */
export interface DeliveryClaim {
  /** The update's `update_id`. */
  readonly updateId: number;
  /** The queue key Telegram orders the update by (`chat:42`, `callback:7`, …), or `undefined` when it has none. */
  readonly queueKey: string | undefined;
  /** A token unique to one run of one update on one instance. */
  readonly owner: string;
}

/** A claim or a renewal, with how long its leases last. */
export interface LeaseRequest extends DeliveryClaim {
  /** Milliseconds until the leases expire unless renewed. */
  readonly leaseMs: number;
}

/** The answer of {@link DeliveryStore.claim}. */
export type ClaimResult = "claimed" | "done" | "busy" | "queued";

/** Options of the in-memory store. */
export interface MemoryStoreOptions {
  /**
   * How many handled update ids to remember at most; the oldest are forgotten first. Telegram redelivers
   * within seconds to minutes of a lost answer, so the window only has to cover that many updates.
   * @default 10000
   */
  windowSize?: number;
}

interface Lease {
  owner: string;
  expiresAt: number;
}

/**
 * A {@link DeliveryStore} in this process's memory, with leases: for several handlers in one process that
 * share it. (A handler given no store keeps a private one, which needs no leases.) It dedupes and orders
 * updates within the process, and it is lost at a restart: use a shared store such as `@telehook/redis`
 * for several instances. It remembers at most `windowSize` handled ids, each for its
 * retention time at most. Leases expire as the contract says, measured on the runtime's monotonic clock.
 */
export function createMemoryStore(options: MemoryStoreOptions = {}): DeliveryStore {
  const windowSize = options.windowSize ?? 10_000;
  if (!Number.isSafeInteger(windowSize) || windowSize < 1) {
    throw new TelehookError(
      "invalid_options",
      "the memory store's windowSize must be a positive whole number.",
    );
  }
  const updates = new Map<number, Lease>();
  const keys = new Map<string, Lease>();
  const done = new DoneWindow(windowSize);
  const now = () => performance.now();
  const holds = (lease: Lease | undefined, owner: string) =>
    lease !== undefined && lease.owner === owner && lease.expiresAt > now();
  const heldByOther = (lease: Lease | undefined, owner: string) =>
    lease !== undefined && lease.owner !== owner && lease.expiresAt > now();

  function free({ updateId, queueKey, owner }: DeliveryClaim): void {
    if (updates.get(updateId)?.owner === owner) updates.delete(updateId);
    if (queueKey !== undefined && keys.get(queueKey)?.owner === owner) keys.delete(queueKey);
  }

  return {
    claim({ updateId, queueKey, owner, leaseMs }) {
      if (done.has(updateId, now)) return "done";
      if (heldByOther(updates.get(updateId), owner)) return "busy";
      if (queueKey !== undefined && heldByOther(keys.get(queueKey), owner)) return "queued";
      const lease = { owner, expiresAt: now() + leaseMs };
      updates.set(updateId, lease);
      if (queueKey !== undefined) keys.set(queueKey, lease);
      return "claimed";
    },
    renew({ updateId, queueKey, owner, leaseMs }) {
      const update = updates.get(updateId);
      if (!holds(update, owner)) return false;
      const lease = { owner, expiresAt: now() + leaseMs };
      updates.set(updateId, lease);
      if (queueKey !== undefined) {
        if (heldByOther(keys.get(queueKey), owner)) return false;
        keys.set(queueKey, lease);
      }
      return true;
    },
    confirm(claim) {
      free(claim);
      done.remember(claim.updateId, now() + claim.retentionMs);
    },
    release(claim) {
      free(claim);
    },
  };
}
