interface Waiter {
  readonly resolve: () => void;
  readonly reject: (error: Error) => void;
  readonly timer: NodeJS.Timeout;
}

/** Resolves `waitForIdle` promises when the emulator has nothing left to do. */
export class IdleTracker {
  readonly #waiters = new Set<Waiter>();
  readonly #isIdle: () => boolean;
  readonly #describe: () => string;

  constructor(isIdle: () => boolean, describe: () => string) {
    this.#isIdle = isIdle;
    this.#describe = describe;
  }

  /** Something changed: settle the waiters if everything is done now. */
  changed(): void {
    if (this.#waiters.size === 0 || !this.#isIdle()) return;
    for (const waiter of this.#waiters) {
      clearTimeout(waiter.timer);
      waiter.resolve();
    }
    this.#waiters.clear();
  }

  /** Resolves once idle; rejects after `timeoutMs` real milliseconds with what is still pending. */
  wait(timeoutMs: number): Promise<void> {
    if (this.#isIdle()) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = {
        resolve,
        reject,
        timer: setTimeout(() => {
          this.#waiters.delete(waiter);
          reject(
            new Error(`@telehook/testing: waitForIdle timed out after ${timeoutMs} ms: ${this.#describe()}`),
          );
        }, timeoutMs),
      };
      this.#waiters.add(waiter);
    });
  }

  /** Rejects every waiter, for `close()`. */
  abort(reason: string): void {
    for (const waiter of this.#waiters) {
      clearTimeout(waiter.timer);
      waiter.reject(new Error(`@telehook/testing: ${reason}`));
    }
    this.#waiters.clear();
  }
}
