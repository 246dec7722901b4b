import type { EmulatorClock } from "./clock.js";

/** Something with a deadline that can be expired. */
export interface Expirable {
  readonly deadlineAt: number;
  expire(): void;
}

/**
 * Deadlines that all have the same length, so they expire in the order they were added: one timer for the
 * oldest instead of one per request.
 */
export class DeadlineQueue<T extends Expirable> {
  readonly #clock: EmulatorClock;
  readonly #items = new Set<T>();
  #cancel: (() => void) | undefined;

  constructor(clock: EmulatorClock) {
    this.#clock = clock;
  }

  add(item: T): void {
    this.#items.add(item);
    if (this.#cancel === undefined) this.#arm(item.deadlineAt);
  }

  delete(item: T): void {
    this.#items.delete(item);
  }

  clear(): void {
    this.#items.clear();
    this.#cancel?.();
    this.#cancel = undefined;
  }

  #arm(deadlineAt: number): void {
    this.#cancel = this.#clock.schedule(() => this.#fire(), deadlineAt - this.#clock.now());
  }

  #fire(): void {
    this.#cancel = undefined;
    const now = this.#clock.now();
    for (const item of this.#items) {
      if (item.deadlineAt > now) {
        this.#arm(item.deadlineAt);
        return;
      }
      this.#items.delete(item);
      item.expire();
    }
  }
}
