import fc from "fast-check";
import { expect, test } from "vitest";
import { DoneWindow } from "../src/delivery/done-window.js";

/** The window's rules, written the plain way: a queue of ids in first-confirmed order and a Map. */
class PlainWindow {
  readonly #size: number;
  readonly #order: number[] = [];
  readonly #until = new Map<number, number>();

  constructor(size: number) {
    this.#size = size;
  }

  has(updateId: number, now: number): boolean {
    return (this.#until.get(updateId) ?? Number.NEGATIVE_INFINITY) > now;
  }

  remember(updateId: number, until: number): void {
    if (!this.#until.has(updateId)) {
      if (this.#order.length === this.#size) this.#until.delete(this.#order.shift() as number);
      this.#order.push(updateId);
    }
    this.#until.set(updateId, until);
  }
}

const NOW = 1_000;
const operation = (ids: fc.Arbitrary<number>) =>
  fc.oneof(
    fc.record({ remember: ids, until: fc.integer({ min: 0, max: 2 * NOW }) }),
    fc.record({ has: ids }),
  );

function agree(size: number, operations: readonly ({ remember: number; until: number } | { has: number })[]) {
  const window = new DoneWindow(size);
  const plain = new PlainWindow(size);
  const expectSame = (id: number) =>
    expect(
      window.has(id, () => NOW),
      `has(${id})`,
    ).toBe(plain.has(id, NOW));
  const seen = new Set<number>();
  for (const step of operations) {
    if ("has" in step) {
      expectSame(step.has);
      continue;
    }
    window.remember(step.remember, step.until);
    plain.remember(step.remember, step.until);
    seen.add(step.remember);
    // Every id seen so far, not only the one asked about: an id that the table lost shows up at once.
    for (const id of seen) expectSame(id);
  }
}

test("the window answers as a plain queue and Map would, ids reconfirmed, forgotten and colliding", () => {
  // Few distinct ids and small windows: ids come back, the oldest is forgotten over and over, and the
  // hash table's runs are long, so taking an id out of the middle of a run is exercised.
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 40 }),
      fc.array(operation(fc.integer({ min: 0, max: 60 })), { maxLength: 400 }),
      agree,
    ),
    { numRuns: 300 },
  );
});

test("ids anywhere in the safe integer range are told apart", () => {
  const ids = fc.oneof(
    fc.integer({ min: 0, max: 100 }),
    fc.constantFrom(2 ** 32, 2 ** 32 + 1, 2 ** 31, 2 ** 31 - 1, Number.MAX_SAFE_INTEGER, 2 ** 52 + 7),
    fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }),
  );
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 30 }), fc.array(operation(ids), { maxLength: 300 }), agree),
    { numRuns: 200 },
  );
});

test("a full window of 10,000 keeps exactly the last 10,000 ids, through many turns of the ring", () => {
  const window = new DoneWindow(10_000);
  for (let id = 1; id <= 55_000; id++) window.remember(id * 7, NOW + 1);
  const remembered = (id: number) => window.has(id * 7, () => NOW);
  expect(remembered(45_000)).toBe(false);
  expect(remembered(45_001)).toBe(true);
  expect(remembered(55_000)).toBe(true);
  let count = 0;
  for (let id = 1; id <= 55_000; id++) if (remembered(id)) count++;
  expect(count).toBe(10_000);
});
