/**
 * Runs work one at a time per key, in arrival order, and different keys side by side. Keys that have no
 * work left are forgotten, so memory follows the number of busy keys, not the number ever seen.
 */
export class OrderedQueues {
  readonly #tails = new Map<string, Promise<unknown>>();

  /** Starts `work` once every earlier work of `key` has settled; without a key, starts it at once. */
  run<T>(key: string | undefined, work: () => T | Promise<T>): Promise<T> {
    if (key === undefined) return settle(work);
    const previous = this.#tails.get(key);
    const current = previous
      ? previous.then(
          () => work(),
          () => work(),
        )
      : settle(work);
    this.#tails.set(key, current);
    const forget = () => {
      if (this.#tails.get(key) === current) this.#tails.delete(key);
    };
    current.then(forget, forget);
    return current;
  }
}

/** Calls `work`, turning a synchronous throw into a rejected promise. */
function settle<T>(work: () => T | Promise<T>): Promise<T> {
  try {
    return Promise.resolve(work());
  } catch (error) {
    return Promise.reject(error);
  }
}
