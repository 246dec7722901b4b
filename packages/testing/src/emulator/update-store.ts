import type { DropReason } from "./delivery-record.js";

/** An update waiting in a bot's queue. The body is serialised once, when it is queued. */
export interface StoredUpdate {
  readonly id: number;
  readonly type: string;
  readonly queueKey: number;
  /** Emulated ms after which it is no longer delivered. */
  readonly expiresAt: number;
  /** The exact webhook body: `{"update_id":N,\n"type":{…}}`, ASCII only. */
  readonly body: string;
  /** Delivered, confirmed, expired or dropped. */
  done: boolean;
}

/** The most updates a bot keeps pending; newer ones are dropped. */
export const MAX_PENDING_UPDATES = 100_000;

/** The largest update JSON the server queues (512 KiB), not counting the update_id wrapper. */
export const MAX_UPDATE_BYTES = 512 * 1024;

const COMPACT_THRESHOLD = 4096;

/**
 * A bot's pending updates in update_id order, like the server's per-bot queue. Positions are absolute (they
 * survive compaction), so the delivery engine can walk it with a cursor.
 */
export class UpdateStore {
  #entries: StoredUpdate[] = [];
  #head = 0;
  #base = 0;
  #pending = 0;
  readonly #onDrop: (entry: StoredUpdate, reason: DropReason, attempts: number) => void;

  constructor(onDrop: (entry: StoredUpdate, reason: DropReason, attempts: number) => void) {
    this.#onDrop = onDrop;
  }

  /** Updates neither delivered, confirmed, expired nor dropped (expiry is noticed lazily). */
  get pendingCount(): number {
    return this.#pending;
  }

  /** Absolute position of the oldest entry still kept. */
  get start(): number {
    return this.#base + this.#head;
  }

  /** Absolute position after the newest entry. */
  get end(): number {
    return this.#base + this.#entries.length;
  }

  /** The entry at an absolute position in [start, end). */
  at(position: number): StoredUpdate {
    return this.#entries[position - this.#base] as StoredUpdate;
  }

  push(entry: StoredUpdate): void {
    this.#entries.push(entry);
    this.#pending++;
  }

  /** Marks an entry finished; reports a drop when a reason is given. */
  finish(entry: StoredUpdate, dropReason?: DropReason, attempts = 0): void {
    if (entry.done) return;
    entry.done = true;
    this.#pending--;
    if (dropReason !== undefined) this.#onDrop(entry, dropReason, attempts);
    this.#advanceHead();
  }

  /** Drops every pending update (drop_pending_updates). */
  dropAll(): void {
    for (let i = this.#head; i < this.#entries.length; i++) {
      const entry = this.#entries[i] as StoredUpdate;
      if (!entry.done) this.finish(entry, "dropped_pending");
    }
  }

  /** Drops updates whose lifetime has passed. Walks the whole queue: for getWebhookInfo and getUpdates. */
  dropExpired(now: number): void {
    for (let i = this.#head; i < this.#entries.length; i++) {
      const entry = this.#entries[i] as StoredUpdate;
      if (!entry.done && entry.expiresAt < now) this.finish(entry, "expired");
    }
  }

  /** Pending entries in order, from the oldest. */
  *pending(): IterableIterator<StoredUpdate> {
    for (let i = this.#head; i < this.#entries.length; i++) {
      const entry = this.#entries[i] as StoredUpdate;
      if (!entry.done) yield entry;
    }
  }

  #advanceHead(): void {
    const entries = this.#entries;
    while (this.#head < entries.length && (entries[this.#head] as StoredUpdate).done) this.#head++;
    if (this.#head >= COMPACT_THRESHOLD && this.#head * 2 >= entries.length) {
      this.#entries = entries.slice(this.#head);
      this.#base += this.#head;
      this.#head = 0;
    }
  }
}
