import type { LoggedEvent } from "./event-log.js";
import type { HandlerPlan } from "./fault-plan.js";

/** At most this many violations are listed; the count is always exact. */
const MAX_LISTED = 25;

class Violations {
  readonly list: string[] = [];
  count = 0;
  add(message: string): void {
    this.count++;
    if (this.list.length < MAX_LISTED) this.list.push(message);
  }
}

/** What happened to one update in the server, as the policy walk saw it. */
interface UpdateState {
  runs: number;
  /** Failures before the deadline: the ones `bounded-retry` counts. */
  failures: number;
  /** The current delivery was acknowledged by the deadline (onDeadline fired). */
  acked: boolean;
  sawDeadline: boolean;
  ackedFailure: boolean;
  running: boolean;
  handled: number;
  dead: number;
  /** A failure the policy sends to onDeadLetter happened; its D line is due. */
  deadDue: boolean;
  done: "handled" | "dead" | undefined;
}

/** Per-chat order: one run at a time, starts in update_id order. */
class ChatOrder {
  readonly #running = new Map<string, number>();
  readonly #lastStart = new Map<string, number>();
  readonly #violations: Violations;

  constructor(violations: Violations) {
    this.#violations = violations;
  }

  start(key: string, id: number): void {
    const current = this.#running.get(key);
    if (current !== undefined) {
      this.#violations.add(`order: update ${id} started in ${key} while update ${current} was still running`);
    }
    const last = this.#lastStart.get(key);
    if (last !== undefined && id < last) {
      this.#violations.add(`order: update ${id} started in ${key} after update ${last} had started`);
    }
    this.#running.set(key, id);
    this.#lastStart.set(key, id);
  }

  end(key: string, id: number): void {
    if (this.#running.get(key) === id) this.#running.delete(key);
  }

  /** A new server process: what the old one was running is gone. */
  reset(): void {
    this.#running.clear();
    this.#lastStart.clear();
  }
}

/** The outcome of a load run's accounting. */
export interface DeliveryAccount {
  readonly violations: readonly string[];
  readonly violationCount: number;
  readonly handled: number;
  readonly deadLetters: number;
  /** Successful runs beyond the first of any update (must be 0). */
  readonly duplicates: number;
  readonly runs: number;
  readonly failedRuns: number;
  readonly deadlineAcks: number;
  readonly byPlan: Readonly<Record<HandlerPlan["kind"], number>>;
  readonly rejections: Readonly<Record<string, number>>;
  readonly crashes: readonly string[];
}

export interface DeliveryExpectations {
  /** Every update_id sent, with the queue key telehook orders it by. */
  readonly sent: ReadonlyMap<number, string>;
  readonly planOf: (updateId: number) => HandlerPlan;
  readonly maxAttempts: number;
}

/**
 * Replays the server's event log against telehook's policy and the fault plan, and lists every deviation:
 * - exactly once: no update runs again after a run succeeded or it was dead-lettered, no two runs of one
 *   update overlap, and no update succeeds twice;
 * - the error policy, run by run: a failure before the deadline is retried until `maxAttempts` failures, then
 *   dead-lettered; a failure after the deadline acknowledged the request is dead-lettered at once; a
 *   dead letter happens exactly then, exactly once;
 * - nothing lost: every update sent ends handled or dead-lettered, and nothing unknown was handled;
 * - the plan: `ok`/`slow` updates run once and succeed, `slow-fail` ones run once and are dead-lettered,
 *   `poison` ones are dead-lettered after `maxAttempts` runs, `flaky` ones succeed after their failures;
 *   the only allowed exception is a run that was acknowledged by the deadline before it failed (it waited
 *   behind a slow update of its chat), which the policy dead-letters;
 * - per-chat order: one run per chat at a time, starts in update_id order.
 */
export function accountDeliveries(
  events: readonly LoggedEvent[],
  expect: DeliveryExpectations,
): DeliveryAccount {
  const violations = new Violations();
  const states = new Map<number, UpdateState>();
  const order = new ChatOrder(violations);
  const rejections: Record<string, number> = {};
  const crashes: string[] = [];
  let processes = 0;
  let runs = 0;
  let failedRuns = 0;
  let deadlineAcks = 0;

  const stateOf = (id: number): UpdateState | undefined => {
    let state = states.get(id);
    if (state === undefined) {
      if (!expect.sent.has(id)) {
        violations.add(`unknown: update ${id} reached the server but was never sent`);
        return undefined;
      }
      state = {
        runs: 0,
        failures: 0,
        acked: false,
        sawDeadline: false,
        ackedFailure: false,
        running: false,
        handled: 0,
        dead: 0,
        deadDue: false,
        done: undefined,
      };
      states.set(id, state);
    }
    return state;
  };

  for (const event of events) {
    switch (event.code) {
      case "P":
        processes++;
        if (processes > 1) violations.add("process: the server process started more than once in a load run");
        continue;
      case "R": {
        const key = `${event.fields[0]} ${event.fields[1]}`;
        rejections[key] = (rejections[key] ?? 0) + 1;
        continue;
      }
      case "X":
        crashes.push(event.fields[0] ?? "");
        continue;
      case "C":
        continue;
      default:
        break;
    }
    const { id } = event;
    const state = stateOf(id);
    if (state === undefined) continue;
    const key = expect.sent.get(id) as string;
    switch (event.code) {
      case "L":
        deadlineAcks++;
        if (state.done !== undefined)
          violations.add(`deadline: update ${id} was acknowledged after it ended`);
        state.acked = true;
        state.sawDeadline = true;
        break;
      case "S":
        runs++;
        if (state.done !== undefined) {
          violations.add(`exactly once: update ${id} ran again after it was ${state.done}`);
        }
        if (state.running) violations.add(`exactly once: two runs of update ${id} at the same time`);
        state.runs++;
        state.running = true;
        order.start(key, id);
        break;
      case "E":
        state.running = false;
        state.handled++;
        if (state.handled > 1)
          violations.add(`exactly once: update ${id} was handled ${state.handled} times`);
        state.done ??= "handled";
        order.end(key, id);
        break;
      case "F":
        failedRuns++;
        state.running = false;
        order.end(key, id);
        if (state.acked) {
          state.ackedFailure = true;
          state.deadDue = true;
          state.done ??= "dead";
        } else {
          state.failures++;
          if (state.failures >= expect.maxAttempts) {
            state.deadDue = true;
            state.done ??= "dead";
          }
        }
        break;
      case "D":
        state.dead++;
        if (!state.deadDue) {
          violations.add(
            `policy: update ${id} was dead-lettered after ${state.failures} failure(s) before the deadline and none after it`,
          );
        }
        if (state.dead > 1) violations.add(`policy: update ${id} was dead-lettered ${state.dead} times`);
        state.deadDue = false;
        break;
    }
  }

  const byPlan: Record<HandlerPlan["kind"], number> = { ok: 0, flaky: 0, poison: 0, slow: 0, "slow-fail": 0 };
  let handled = 0;
  let deadLetters = 0;
  let duplicates = 0;
  for (const [id] of expect.sent) {
    const plan = expect.planOf(id);
    byPlan[plan.kind]++;
    const state = states.get(id);
    if (state === undefined || state.done === undefined) {
      violations.add(`lost: update ${id} (${plan.kind}) was never handled nor dead-lettered`);
      continue;
    }
    handled += state.handled > 0 ? 1 : 0;
    deadLetters += state.dead;
    duplicates += Math.max(0, state.handled - 1);
    if (state.deadDue) violations.add(`policy: update ${id} failed for good but never reached onDeadLetter`);
    if (state.running) violations.add(`drain: update ${id} was still running at the end`);
    const runs = state.runs;
    const check = (ok: boolean, what: string) => {
      if (!ok) {
        violations.add(
          `plan: update ${id} (${JSON.stringify(plan)}) ${what}; runs ${runs}, handled ${state.handled}, dead ${state.dead}, deadline ${state.sawDeadline}`,
        );
      }
    };
    switch (plan.kind) {
      case "ok":
        check(runs === 1 && state.handled === 1 && state.dead === 0, "should run once and succeed");
        break;
      case "slow":
        check(
          runs === 1 && state.handled === 1 && state.sawDeadline,
          "should pass the deadline and succeed once",
        );
        break;
      case "slow-fail":
        check(
          runs === 1 && state.dead === 1 && state.sawDeadline,
          "should pass the deadline and be dead-lettered",
        );
        break;
      case "flaky":
        check(
          (state.handled === 1 && runs === plan.failures + 1) ||
            (state.dead === 1 && state.ackedFailure && runs <= plan.failures),
          "should succeed after its planned failures",
        );
        break;
      case "poison":
        check(
          state.handled === 0 &&
            state.dead === 1 &&
            (runs === expect.maxAttempts || (state.ackedFailure && runs < expect.maxAttempts)),
          `should be dead-lettered after ${expect.maxAttempts} runs`,
        );
        break;
    }
  }
  for (const crash of crashes) violations.add(`crash: ${crash}`);
  return {
    violations: violations.list,
    violationCount: violations.count,
    handled,
    deadLetters,
    duplicates,
    runs,
    failedRuns,
    deadlineAcks,
    byPlan,
    rejections,
    crashes,
  };
}

/** The outcome of a restart run's accounting. */
export interface RestartAccount {
  readonly violations: readonly string[];
  readonly violationCount: number;
  readonly processes: number;
  readonly handled: number;
  /** Updates handled more than once (each in a different process). */
  readonly duplicateIds: readonly number[];
  /** Updates that ran (S) but never finished in a process that was killed. */
  readonly cutShort: number;
  /**
   * Updates the deadline answered early (onDeadline) that had not finished when their process stopped,
   * whether running or still waiting behind their chat's earlier update: Telegram got its 200, so it never
   * sends them again.
   */
  readonly answeredEarlyThenKilled: number;
  /** Updates never handled that were answered early and killed mid-run: the cost of early answers. */
  readonly lostAfterEarlyAnswer: readonly number[];
  readonly crashes: readonly string[];
}

export interface RestartExpectations {
  readonly sent: ReadonlyMap<number, string>;
  /** Updates whose delivery attempt was cut by a SIGKILL: the only ones allowed to be handled twice. */
  readonly inFlightAtKill: ReadonlySet<number>;
  /**
   * Accept the loss of updates answered early by the deadline that had not finished at a SIGKILL (and only
   * those). Off: every update must be handled.
   */
  readonly allowLossAfterEarlyAnswer?: boolean;
}

/**
 * Checks a run in which server processes were killed and restarted (all handlers succeed):
 * - at least once: every update sent was handled (with `allowLossAfterEarlyAnswer`, except updates the
 *   deadline had answered early and that had not finished at the kill, which Telegram never sends again);
 * - within one process, no update is handled twice, and per-chat order holds;
 * - across processes, an update is handled twice only if its delivery was in flight when a process was
 *   killed (the new process has no dedupe memory of it, and Telegram never got the answer).
 */
export function accountRestarts(events: readonly LoggedEvent[], expect: RestartExpectations): RestartAccount {
  const violations = new Violations();
  const order = new ChatOrder(violations);
  const handledIn = new Map<number, number[]>();
  const startedIn = new Map<number, number>();
  const answeredEarlyIn = new Map<number, number>();
  const answeredEarlyThenKilled = new Set<number>();
  const crashes: string[] = [];
  let processes = 0;
  let cutShort = 0;
  const finishSegment = () => {
    const unfinished = (id: number) => !(handledIn.get(id) ?? []).includes(processes);
    for (const [id, segment] of startedIn) if (segment === processes && unfinished(id)) cutShort++;
    // Answered early but not finished, whether running or still waiting behind its chat's earlier update.
    for (const [id, segment] of answeredEarlyIn) {
      if (segment === processes && unfinished(id)) answeredEarlyThenKilled.add(id);
    }
  };
  for (const event of events) {
    switch (event.code) {
      case "P":
        finishSegment();
        processes++;
        order.reset();
        break;
      case "X":
        crashes.push(event.fields[0] ?? "");
        break;
      case "S": {
        const key = expect.sent.get(event.id);
        if (key === undefined) violations.add(`unknown: update ${event.id} was never sent`);
        else order.start(key, event.id);
        startedIn.set(event.id, processes);
        break;
      }
      case "E": {
        const key = expect.sent.get(event.id);
        if (key !== undefined) order.end(key, event.id);
        const segments = handledIn.get(event.id) ?? [];
        if (segments.includes(processes)) {
          violations.add(`exactly once: update ${event.id} was handled twice by server process ${processes}`);
        }
        segments.push(processes);
        handledIn.set(event.id, segments);
        break;
      }
      case "L":
        answeredEarlyIn.set(event.id, processes);
        break;
      case "F":
      case "D":
        violations.add(`policy: update ${event.id} failed (${event.code}) but no handler fails in this run`);
        break;
      default:
        break;
    }
  }
  finishSegment();
  const duplicateIds: number[] = [];
  const lostAfterEarlyAnswer: number[] = [];
  let handled = 0;
  for (const [id] of expect.sent) {
    const segments = handledIn.get(id);
    if (segments === undefined) {
      if (expect.allowLossAfterEarlyAnswer && answeredEarlyThenKilled.has(id)) lostAfterEarlyAnswer.push(id);
      else violations.add(`lost: update ${id} was never handled`);
      continue;
    }
    handled++;
    if (segments.length > 1) {
      duplicateIds.push(id);
      if (!expect.inFlightAtKill.has(id)) {
        violations.add(
          `duplicate: update ${id} was handled by processes ${segments.join(" and ")} but was not in flight at a kill`,
        );
      }
    }
  }
  for (const crash of crashes) violations.add(`crash: ${crash}`);
  return {
    violations: violations.list,
    violationCount: violations.count,
    processes,
    handled,
    duplicateIds,
    cutShort,
    answeredEarlyThenKilled: answeredEarlyThenKilled.size,
    lostAfterEarlyAnswer,
    crashes,
  };
}

/** The outcome of a cluster run's accounting (several server processes sharing one store). */
export interface ClusterAccount {
  readonly violations: readonly string[];
  readonly violationCount: number;
  /** Server processes started (P lines), restarts included. */
  readonly processes: number;
  readonly handled: number;
  readonly deadLetters: number;
  /** Updates that ended more than once (handled or dead-lettered again); allowed only if in flight at a kill. */
  readonly duplicateIds: readonly number[];
  /** Runs that started while a run of the same chat was going on, in any process. */
  readonly overlaps: number;
  /** Runs that started after a later update of their chat had started. */
  readonly outOfOrder: number;
  /** Updates answered early that had not finished when their instance was killed. */
  readonly answeredEarlyThenKilled: number;
  /** Updates never handled that were answered early and unfinished at a kill: the cost of early answers. */
  readonly lostAfterEarlyAnswer: readonly number[];
  /** Runs started, per instance. */
  readonly runsByInstance: Readonly<Record<string, number>>;
  /** Rejections by `<status> <reason>`. */
  readonly rejections: Readonly<Record<string, number>>;
  readonly crashes: readonly string[];
}

export interface ClusterExpectations {
  readonly sent: ReadonlyMap<number, string>;
  /** Updates whose delivery was cut by a SIGKILL: the only ones that may end twice. */
  readonly inFlightAtKill: ReadonlySet<number>;
  /** Accept the loss of updates answered early and unfinished at a SIGKILL (and only those). */
  readonly allowLossAfterEarlyAnswer?: boolean;
}

/**
 * Checks a run of several server processes behind one load balancer, from the events file they share (its
 * line order is the order of the writes, across processes; the instance is each line's last field):
 * - exactly once: every update sent is handled once or dead-lettered once, across all processes; twice
 *   only if its delivery was in flight when an instance was SIGKILLed (counted);
 * - per chat, across processes: a run starts only when no other run of the chat is going on, and runs start
 *   in update_id order. A `K <instance>` line (the test killed it) ends that instance's runs.
 * The policy and the fault plan are not replayed here: a flaky update's runs land on different processes,
 * each counting its own attempts.
 */
export function accountCluster(events: readonly LoggedEvent[], expect: ClusterExpectations): ClusterAccount {
  const violations = new Violations();
  /** Per chat: the run going on (update id and instance). */
  const running = new Map<string, { id: number; instance: string }>();
  const lastStart = new Map<string, number>();
  const handled = new Map<number, number>();
  const dead = new Map<number, number>();
  /** Updates answered early (L) and not finished yet, with their instance. */
  const earlyUnfinished = new Map<number, string>();
  const answeredEarlyThenKilled = new Set<number>();
  const runsByInstance: Record<string, number> = {};
  const rejections: Record<string, number> = {};
  const crashes: string[] = [];
  let processes = 0;
  let overlaps = 0;
  let outOfOrder = 0;
  const instanceOf = (event: LoggedEvent) => event.fields[event.fields.length - 1] ?? "";

  for (const event of events) {
    switch (event.code) {
      case "P":
        processes++;
        continue;
      case "K": {
        const killed = event.fields[0] ?? "";
        for (const [key, run] of running) if (run.instance === killed) running.delete(key);
        for (const [id, instance] of earlyUnfinished) {
          if (instance === killed) {
            answeredEarlyThenKilled.add(id);
            earlyUnfinished.delete(id);
          }
        }
        continue;
      }
      case "R": {
        const key = `${event.fields[0]} ${event.fields[1]}`;
        rejections[key] = (rejections[key] ?? 0) + 1;
        continue;
      }
      case "X":
        crashes.push(event.fields[0] ?? "");
        continue;
      case "C":
        continue;
      default:
        break;
    }
    const { id } = event;
    const key = expect.sent.get(id);
    if (key === undefined) {
      violations.add(`unknown: update ${id} reached a server but was never sent`);
      continue;
    }
    const instance = instanceOf(event);
    switch (event.code) {
      case "S": {
        runsByInstance[instance] = (runsByInstance[instance] ?? 0) + 1;
        const current = running.get(key);
        if (current !== undefined) {
          overlaps++;
          violations.add(
            `order: update ${id} started on ${instance} in ${key} while update ${current.id} was still running on ${current.instance}`,
          );
        }
        const last = lastStart.get(key);
        if (last !== undefined && id < last) {
          outOfOrder++;
          violations.add(
            `order: update ${id} started on ${instance} in ${key} after update ${last} had started`,
          );
        }
        running.set(key, { id, instance });
        lastStart.set(key, Math.max(id, last ?? id));
        break;
      }
      case "E":
      case "F":
        if (running.get(key)?.id === id) running.delete(key);
        if (event.code === "E") {
          handled.set(id, (handled.get(id) ?? 0) + 1);
          earlyUnfinished.delete(id);
        }
        break;
      case "L":
        earlyUnfinished.set(id, instance);
        break;
      case "D":
        dead.set(id, (dead.get(id) ?? 0) + 1);
        earlyUnfinished.delete(id);
        break;
      default:
        break;
    }
  }

  const duplicateIds: number[] = [];
  const lostAfterEarlyAnswer: number[] = [];
  let handledCount = 0;
  let deadCount = 0;
  for (const [id] of expect.sent) {
    const times = handled.get(id) ?? 0;
    const deaths = dead.get(id) ?? 0;
    if (times + deaths === 0) {
      if (expect.allowLossAfterEarlyAnswer && answeredEarlyThenKilled.has(id)) lostAfterEarlyAnswer.push(id);
      else violations.add(`lost: update ${id} was never handled nor dead-lettered`);
      continue;
    }
    if (times > 0) handledCount++;
    else deadCount++;
    if (times + deaths > 1) {
      duplicateIds.push(id);
      if (!expect.inFlightAtKill.has(id)) {
        violations.add(
          `exactly once: update ${id} was handled ${times} and dead-lettered ${deaths} times, and was not in flight at a kill`,
        );
      }
    }
  }
  for (const crash of crashes) violations.add(`crash: ${crash}`);
  return {
    violations: violations.list,
    violationCount: violations.count,
    processes,
    handled: handledCount,
    deadLetters: deadCount,
    duplicateIds,
    overlaps,
    outOfOrder,
    answeredEarlyThenKilled: answeredEarlyThenKilled.size,
    lostAfterEarlyAnswer,
    runsByInstance,
    rejections,
    crashes,
  };
}
