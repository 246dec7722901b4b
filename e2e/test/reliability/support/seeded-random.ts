/**
 * Deterministic randomness for the reliability runs. Every choice (which chat an update goes to, how its
 * handler misbehaves, which connection is cut) is a pure function of the run's seed, so a failure seen once
 * is replayed by running again with `TELEHOOK_RELIABILITY_SEED=<seed>`. Timing is the only thing that varies.
 */

/** The seed of this run: `TELEHOOK_RELIABILITY_SEED` when set, otherwise a fresh one. */
export function runSeed(): number {
  const fromEnv = process.env.TELEHOOK_RELIABILITY_SEED;
  if (fromEnv !== undefined && fromEnv !== "") {
    const seed = Number(fromEnv);
    if (!Number.isSafeInteger(seed) || seed < 0) {
      throw new Error(`TELEHOOK_RELIABILITY_SEED must be a whole number, not ${JSON.stringify(fromEnv)}`);
    }
    return seed >>> 0;
  }
  return Math.floor(Math.random() * 2 ** 32) >>> 0;
}

/** A 32-bit integer hash (the finaliser of murmur3 over a mix of the inputs). */
function mix(a: number, b: number, c: number): number {
  let h = (Math.imul(a ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(b, 0xc2b2ae35) ^ Math.imul(c, 0x27d4eb2f)) >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** A number in [0, 1) that depends only on the seed and the two keys: the same inputs, the same draw. */
export function draw(seed: number, key: number, salt: number): number {
  return mix(seed, key, salt) / 2 ** 32;
}

/** A sequential generator (mulberry32), for choices made in order such as building the update stream. */
export function sequence(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}
