import { draw } from "./seeded-random.js";

/**
 * How one update's handler misbehaves, decided by the seed and the update_id alone:
 * - `ok`: succeeds at once or after a few milliseconds;
 * - `flaky`: fails its first `failures` runs (fewer than `maxAttempts`), before the deadline, then succeeds;
 * - `poison`: fails every run before the deadline, so the retry budget runs out;
 * - `slow`: runs past telehook's deadline (which acknowledges it early), then succeeds;
 * - `slow-fail`: runs past the deadline, then fails, after Telegram was already told 200.
 * A failure is a synchronous `throw` or a rejected promise, alternating by draw.
 */
export type HandlerPlan =
  | { readonly kind: "ok" }
  | { readonly kind: "flaky"; readonly failures: number }
  | { readonly kind: "poison" }
  | { readonly kind: "slow" }
  | { readonly kind: "slow-fail" };

/**
 * What happens to the first delivery attempt of an update on its way to the server:
 * - `reset-before`: the connection is reset before the server sees a byte of the request;
 * - `cut-body`: the server gets the headers and half the body, then the connection is reset;
 * - `lose-answer`: the server gets the whole request and answers, but the answer is replaced by a reset.
 */
export type NetworkFault = "none" | "reset-before" | "cut-body" | "lose-answer";

/** Shares of updates per fault, each in [0, 1]. Handler shares and network shares are drawn independently. */
export interface FaultRates {
  readonly flaky: number;
  readonly poison: number;
  readonly slow: number;
  readonly slowFail: number;
  readonly resetBefore: number;
  readonly cutBody: number;
  readonly loseAnswer: number;
}

export const NO_FAULTS: FaultRates = {
  flaky: 0,
  poison: 0,
  slow: 0,
  slowFail: 0,
  resetBefore: 0,
  cutBody: 0,
  loseAnswer: 0,
};

/** The mix the load runs use: about one update in five misbehaves in some way. */
export const LOAD_FAULTS: FaultRates = {
  flaky: 0.06,
  poison: 0.03,
  slow: 0.03,
  slowFail: 0.02,
  resetBefore: 0.02,
  cutBody: 0.015,
  loseAnswer: 0.025,
};

const SALT_PLAN = 1;
const SALT_FLAKY = 2;
const SALT_NETWORK = 3;
const SALT_RUN = 100;

/** The first choice whose cumulative share exceeds `x`, or `otherwise`. */
function pick<T>(x: number, choices: readonly (readonly [share: number, choice: T])[], otherwise: T): T {
  let bound = 0;
  for (const [share, choice] of choices) {
    bound += share;
    if (x < bound) return choice;
  }
  return otherwise;
}

/** The handler plan of one update. */
export function handlerPlan(
  seed: number,
  updateId: number,
  rates: FaultRates,
  maxAttempts: number,
): HandlerPlan {
  const kind = pick(
    draw(seed, updateId, SALT_PLAN),
    [
      [rates.flaky, "flaky"],
      [rates.poison, "poison"],
      [rates.slow, "slow"],
      [rates.slowFail, "slow-fail"],
    ] as const,
    "ok" as const,
  );
  if (kind !== "flaky") return { kind };
  const failures = 1 + Math.floor(draw(seed, updateId, SALT_FLAKY) * Math.max(1, maxAttempts - 1));
  return { kind, failures: Math.min(failures, maxAttempts - 1) };
}

/** The network fault on the first delivery attempt of one update. */
export function networkFault(seed: number, updateId: number, rates: FaultRates): NetworkFault {
  return pick(
    draw(seed, updateId, SALT_NETWORK),
    [
      [rates.resetBefore, "reset-before"],
      [rates.cutBody, "cut-body"],
      [rates.loseAnswer, "lose-answer"],
    ] as const,
    "none" as const,
  );
}

/** What one run of the handler does: how long it takes, whether it answers synchronously, how it ends. */
export interface RunBehaviour {
  readonly outcome: "ok" | "throw" | "reject";
  /** Milliseconds of (asynchronous) work before the outcome; 0 with `sync` means no await at all. */
  readonly delayMs: number;
  readonly sync: boolean;
}

/** Timing of the handlers, in real milliseconds. */
export interface HandlerTiming {
  /** telehook's `deadlineMs`: slow runs last longer than this. */
  readonly deadlineMs: number;
  /** How long the very slow runs take (plus up to 100 ms): the load runs make it outlast Telegram's deadline. */
  readonly verySlowMs: number;
  /** The longest an ordinary run takes. */
  readonly maxWorkMs: number;
}

/** The share of slow runs that outlast Telegram's own deadline, not only telehook's. */
const VERY_SLOW_SHARE = 0.25;

/**
 * The behaviour of run number `run` (1-based, counted in this process) of an update. A slow run outlasts
 * telehook's deadline by 20 ms to one deadline; a quarter of them are very slow (`verySlowMs`), which the load
 * runs set past Telegram's deadline: without the early answer Telegram would give up and send them again.
 */
export function runBehaviour(
  seed: number,
  updateId: number,
  run: number,
  plan: HandlerPlan,
  timing: HandlerTiming,
): RunBehaviour {
  const a = draw(seed, updateId, SALT_RUN + 3 * run);
  const b = draw(seed, updateId, SALT_RUN + 3 * run + 1);
  const c = draw(seed, updateId, SALT_RUN + 3 * run + 2);
  const failure = a < 0.5 ? "throw" : "reject";
  const work = Math.floor(b * (timing.maxWorkMs + 1));
  const overrun =
    c < VERY_SLOW_SHARE
      ? timing.verySlowMs + Math.floor(b * 100)
      : timing.deadlineMs + 20 + Math.floor(b * timing.deadlineMs);
  switch (plan.kind) {
    case "ok":
      return { outcome: "ok", delayMs: a < 0.3 ? 0 : work, sync: a < 0.3 };
    case "flaky":
      return run <= plan.failures
        ? { outcome: failure, delayMs: failure === "throw" ? 0 : work, sync: failure === "throw" }
        : { outcome: "ok", delayMs: work, sync: false };
    case "poison":
      return { outcome: failure, delayMs: failure === "throw" ? 0 : work, sync: failure === "throw" };
    case "slow":
      return { outcome: "ok", delayMs: overrun, sync: false };
    case "slow-fail":
      return { outcome: "reject", delayMs: overrun, sync: false };
  }
}
