/** A scheduled deadline; `cancel` it when the work finished first. */
export interface Deadline {
  cancel(): void;
}

interface Entry extends Deadline {
  readonly at: number;
  readonly fire: () => void;
  active: boolean;
}

/**
 * Deadlines that all have the same length, so they expire in the order they were scheduled. One timer
 * serves them all, which costs far less per update than a timer each; cancelled deadlines at the front
 * are dropped at once, so the queue only holds work that is actually still running. The timer is left to
 * run out rather than cleared and set again for every update, and it never keeps a process alive.
 */
export class DeadlineQueue {
  readonly #ms: number;
  #entries: Entry[] = [];
  #head = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;

  constructor(ms: number) {
    this.#ms = ms;
  }

  /** Calls `fire` once `ms` have passed, unless cancelled before. */
  schedule(fire: () => void): Deadline {
    const entry: Entry = {
      at: Date.now() + this.#ms,
      fire,
      active: true,
      cancel: () => {
        entry.active = false;
        this.#dropCancelled();
      },
    };
    this.#entries.push(entry);
    if (this.#timer === undefined) this.#arm(this.#ms);
    return entry;
  }

  #arm(delay: number): void {
    this.#timer = setTimeout(() => this.#expire(), Math.max(delay, 0));
    // Node and Bun: a pending deadline alone should not hold the process open.
    (this.#timer as { unref?: () => void }).unref?.();
  }

  #expire(): void {
    this.#timer = undefined;
    const now = Date.now();
    while (this.#head < this.#entries.length) {
      const entry = this.#entries[this.#head] as Entry;
      if (entry.active && entry.at > now) break;
      this.#head++;
      if (entry.active) {
        entry.active = false;
        entry.fire();
      }
    }
    this.#compact();
    const next = this.#entries[this.#head];
    if (next) this.#arm(next.at - now);
  }

  #dropCancelled(): void {
    while (this.#head < this.#entries.length && !(this.#entries[this.#head] as Entry).active) this.#head++;
    this.#compact();
  }

  #compact(): void {
    if (this.#head === this.#entries.length) {
      this.#entries = [];
      this.#head = 0;
    } else if (this.#head > 1024 && this.#head * 2 > this.#entries.length) {
      this.#entries = this.#entries.slice(this.#head);
      this.#head = 0;
    }
  }
}
