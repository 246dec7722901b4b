/**
 * Teardown in reverse order of setup: every emulator, listener and webhook a test starts is closed when the
 * test finishes, even when it fails half-way. Tests run concurrently, so each test has its own.
 */
export interface Cleanup {
  /** Registers a teardown step. */
  add(step: () => unknown): void;
  /** Runs and forgets every step, newest first; reports the first failure after running all. */
  run(): Promise<void>;
}

/**
 * A cleanup for one test: pass the test context's `onTestFinished`, e.g.
 * `test("…", async ({ expect, onTestFinished }) => { const cleanup = createCleanup(onTestFinished); … })`.
 */
export function createCleanup(onTestFinished?: (run: () => Promise<void>) => void): Cleanup {
  const steps: (() => unknown)[] = [];
  const cleanup: Cleanup = {
    add(step) {
      steps.push(step);
    },
    async run() {
      let failure: unknown;
      for (const step of steps.splice(0).reverse()) {
        try {
          await step();
        } catch (error) {
          failure ??= error;
        }
      }
      if (failure !== undefined) throw failure;
    },
  };
  onTestFinished?.(cleanup.run);
  return cleanup;
}
