import { TelehookError } from "../errors.js";
import type { ResolvedOptions, UpdateContext } from "../options.js";
import type { ParsedUpdate } from "../parse-update.js";
import { type RejectionReason, rejection } from "../rejection.js";
import { OK_RESULT, rejectionResult, replyResult, type WebhookResult } from "../result.js";
import { startTimer, type Timer } from "../timer.js";
import type { Update } from "../update.js";
import type { Activity } from "./activity.js";
import { ChatQueues, type QueuePlace } from "./chat-queues.js";
import type { ClaimResult } from "./dedupe-store.js";
import { FailureLedger } from "./error-policy.js";
import { queueKeyOf } from "./queue-key.js";
import { RecentReplies } from "./recent-replies.js";
import { callStore, StoreFailure } from "./store-call.js";
import { replyBody } from "./webhook-reply.js";

type MaybePromise<T> = T | Promise<T>;
type WaitUntil = (promise: Promise<unknown>) => void;

/**
 * Where one run of an update stands:
 * - `waiting`: for its chat's earlier update, for the store's claim, or both. The deadline answers 503 here:
 *   nothing is acknowledged before it started.
 * - `running`: `onUpdate` was called and has not settled. The deadline answers 200 here.
 * - `settling`: `onUpdate` settled; the store is being told, then the answer goes out.
 * - `ended`: answered and accounted for.
 */
type Phase = "waiting" | "running" | "settling" | "ended";

const CLAIM_RESULTS: readonly unknown[] = ["claimed", "done", "busy"];

/**
 * One run of `onUpdate` for one update id. Every copy of the update that arrives meanwhile waits on the
 * same `response`, which settles with the outcome or, if the deadline comes first, with its answer.
 */
class Execution {
  readonly update: Update;
  readonly context: UpdateContext;
  readonly waitUntil: WaitUntil | undefined;
  readonly response: Promise<WebhookResult>;
  phase: Phase = "waiting";
  /** The store's answer; `"claimed"` from the start when there is no store. */
  claim: ClaimResult | "pending" = "pending";
  /** The update's chat (or user, or poll) line has reached it. */
  hasTurn = false;
  place: QueuePlace | undefined;
  /** The deadline, and after it the stuck-run limit. */
  timer: Timer | undefined;
  /** Some request was answered before `onUpdate` settled: Telegram will not redeliver the update. */
  acknowledged = false;
  /** The run passed `maxRunMs`: its chat went on without it and it no longer counts as in flight. */
  abandoned = false;
  #respond!: (result: WebhookResult) => void;
  #responded = false;
  #finished: (() => void) | undefined;

  constructor(update: Update, context: UpdateContext, waitUntil: WaitUntil | undefined) {
    this.update = update;
    this.context = context;
    this.waitUntil = waitUntil;
    this.response = new Promise((resolve) => {
      this.#respond = resolve;
    });
  }

  respond(result: WebhookResult): void {
    if (this.#responded) return;
    this.#responded = true;
    this.#respond(result);
  }

  /** A promise of the end of `onUpdate`, for `waitUntil`. */
  finished(): Promise<void> {
    return new Promise((resolve) => {
      this.#finished = resolve;
    });
  }

  finish(result: WebhookResult): void {
    this.timer?.cancel();
    this.respond(result);
    this.#finished?.();
  }
}

/**
 * Delivery semantics on top of the request pipeline: deduplication by `update_id`, per-chat order, the
 * deadline with early acknowledgement (only of updates that started), the stuck-run limit, bounded queues,
 * the error budget and dead letters, webhook replies.
 */
export function createDelivery(options: ResolvedOptions, activity: Activity) {
  const queues = new ChatQueues(options.queueLimits);
  const ledger = new FailureLedger(options.errorPolicy, options.maxAttempts);
  const replies = new RecentReplies();
  const running = new Map<number, Execution>();
  const store = options.dedupeStore;
  const retryHeaders = { "retry-after": String(options.retryAfterSeconds) };
  let unfinished = 0;

  /** Delivers one update; a copy of an update still running joins that run instead of starting another. */
  function deliver({ update, updateType }: ParsedUpdate, waitUntil?: WaitUntil): Promise<WebhookResult> {
    const joined = store ? running.get(update.update_id) : undefined;
    if (joined) return joined.response;
    const key = queueKeyOf(update, updateType);
    if (!queues.hasRoom(key)) return Promise.resolve(refuse("queue_full"));
    return start(update, { updateType }, key, waitUntil).response;
  }

  /**
   * While closing, nothing new starts: an update not handled yet gets 503 with Retry-After, so Telegram
   * brings it to the next process. But a copy of one this process already handled is acknowledged, and a
   * copy of one still running joins that run: handing those on would have the next process, which has
   * no memory of them, handle them twice.
   */
  function deliverWhileClosing({ update }: ParsedUpdate): Promise<WebhookResult> {
    const joined = store ? running.get(update.update_id) : undefined;
    if (joined) return joined.response;
    if (!store) return Promise.resolve(refuse("shutting_down"));
    const answer = (claim: ClaimResult | StoreFailure): MaybePromise<WebhookResult> => {
      if (claim instanceof StoreFailure) return refuse("shutting_down");
      if (claim === "done") return doneResult(update);
      if (claim === "busy") return refuse("duplicate_in_progress");
      return after(tellStore("release", update), refuse("shutting_down"));
    };
    const claim = claimUpdate(update);
    return Promise.resolve(claim instanceof Promise ? claim.then(answer) : answer(claim));
  }

  function start(
    update: Update,
    context: UpdateContext,
    key: string | undefined,
    waitUntil: WaitUntil | undefined,
  ): Execution {
    const execution = new Execution(update, context, waitUntil);
    activity.begin();
    unfinished++;
    if (store) running.set(update.update_id, execution);
    else execution.claim = "claimed";
    execution.timer = startTimer(options.deadlineMs, () => deadlinePassed(execution));
    // The queue place is taken on arrival, before the claim settles: a slow store must not let the chat's
    // next update run first. A copy arriving meanwhile joins this execution through `running`.
    execution.place = queues.enter(key, () => {
      execution.hasTurn = true;
      runIfReady(execution);
    });
    if (store) {
      const claim = claimUpdate(update);
      if (claim instanceof Promise) claim.then((settled) => claimSettled(execution, settled));
      else claimSettled(execution, claim);
    }
    return execution;
  }

  function claimSettled(execution: Execution, claim: ClaimResult | StoreFailure): void {
    if (execution.phase !== "waiting") {
      // The deadline already answered 503: give back a claim that came too late.
      if (claim === "claimed") tellStore("release", execution.update);
      return;
    }
    if (claim instanceof StoreFailure) endUnstarted(execution, refuse("store_unavailable"));
    else if (claim === "done") endUnstarted(execution, doneResult(execution.update));
    else if (claim === "busy") endUnstarted(execution, refuse("duplicate_in_progress"));
    else {
      execution.claim = claim;
      runIfReady(execution);
    }
  }

  function runIfReady(execution: Execution): void {
    if (execution.phase !== "waiting" || !execution.hasTurn || execution.claim !== "claimed") return;
    execution.phase = "running";
    const { update, context } = execution;
    settle(() => options.onUpdate(update, context)).then(
      (returned) => settled(execution, succeeded(execution, returned)),
      (error: unknown) => settled(execution, failed(execution, error)),
    );
  }

  /**
   * The deadline passed. An update that started is acknowledged and runs on; one that has not started
   * (its chat is busy, or the store is slow) is answered 503 and dropped here, so Telegram keeps it.
   */
  function deadlinePassed(execution: Execution): void {
    if (execution.phase === "waiting") {
      if (execution.claim === "claimed") tellStore("release", execution.update);
      endUnstarted(execution, refuse("not_started"));
      return;
    }
    if (execution.phase !== "running") return;
    execution.acknowledged = true;
    execution.respond(OK_RESULT);
    options.onDeadline(execution.update, execution.context);
    callWaitUntil(execution.waitUntil ?? options.waitUntil, execution.finished());
    execution.timer = startTimer(options.maxRunMs - options.deadlineMs, () => stuck(execution));
  }

  /** The run passed `maxRunMs`: report it and let its chat go on. Its outcome is still reported later. */
  function stuck(execution: Execution): void {
    if (execution.phase !== "running") return;
    execution.abandoned = true;
    execution.place?.leave();
    const { update_id } = execution.update;
    options.onError(
      new TelehookError(
        "handler_timeout",
        `onUpdate has been running for more than maxRunMs (${options.maxRunMs} ms) on update ${update_id}. Later updates of its chat now run without waiting for it; its outcome will still be reported.`,
      ),
      execution.update,
    );
    unfinished--;
    activity.end();
  }

  function endUnstarted(execution: Execution, result: WebhookResult): void {
    execution.phase = "ended";
    execution.place?.leave();
    end(execution, result);
  }

  /** `onUpdate` settled: the chat's next update may start; answer once the store has been told. */
  function settled(execution: Execution, result: MaybePromise<WebhookResult>): void {
    execution.phase = "settling";
    execution.timer?.cancel();
    execution.place?.leave();
    if (result instanceof Promise) result.then((answer) => end(execution, answer));
    else end(execution, result);
  }

  function end(execution: Execution, result: WebhookResult): void {
    execution.phase = "ended";
    if (running.get(execution.update.update_id) === execution) running.delete(execution.update.update_id);
    execution.finish(result);
    if (execution.abandoned) return;
    unfinished--;
    activity.end();
  }

  function succeeded(execution: Execution, returned: unknown): MaybePromise<WebhookResult> {
    const { update } = execution;
    ledger.succeeded(update.update_id);
    let result = OK_RESULT;
    const body = replyBody(returned, options.webhookReply, execution.acknowledged);
    if (body instanceof TelehookError) options.onError(body, update);
    else if (body !== undefined) {
      result = replyResult(body);
      replies.remember(update.update_id, body);
    }
    return after(tellStore("confirm", update), result);
  }

  function failed(execution: Execution, error: unknown): MaybePromise<WebhookResult> {
    const { update } = execution;
    options.onError(error, update);
    const verdict = execution.acknowledged ? "acknowledge" : decide(error, update);
    if (verdict === "retry") {
      return after(tellStore("release", update), rejectionResult(rejection("handler_failed"), retryHeaders));
    }
    options.onDeadLetter(update, error);
    return after(tellStore("confirm", update), OK_RESULT);
  }

  function decide(error: unknown, update: Update): "retry" | "acknowledge" {
    try {
      return ledger.decide(error, update);
    } catch (policyError) {
      // A throwing policy must not lose the update: ask Telegram for it again.
      options.onError(policyError, update);
      return "retry";
    }
  }

  /** The answer to a copy of an update already handled: the same reply, while it is remembered. */
  function doneResult(update: Update): WebhookResult {
    const body = replies.get(update.update_id);
    return body === undefined ? OK_RESULT : replyResult(body);
  }

  function refuse(reason: RejectionReason): WebhookResult {
    const turnedAway = rejection(reason);
    options.onReject(turnedAway);
    return rejectionResult(turnedAway, retryHeaders);
  }

  /** The store's claim, checked: anything but the three answers is a store failure, never a lasting 409. */
  function claimUpdate(update: Update): MaybePromise<ClaimResult | StoreFailure> {
    const check = (claim: unknown): ClaimResult | StoreFailure => {
      if (claim instanceof StoreFailure) return storeFailed("claim", update, claim);
      if (CLAIM_RESULTS.includes(claim)) return claim as ClaimResult;
      const wrong = new TypeError(`claim() returned ${describe(claim)}, not "claimed", "done" or "busy"`);
      return storeFailed("claim", update, new StoreFailure(wrong));
    };
    const claim = callStore(
      () => (store as NonNullable<typeof store>).claim(update.update_id),
      options.storeTimeoutMs,
    );
    return claim instanceof Promise ? claim.then(check) : check(claim);
  }

  /** Confirms or releases a claim; resolves when the store answered, failed or ran out of time. */
  function tellStore(action: "confirm" | "release", update: Update): Promise<void> | undefined {
    if (!store) return undefined;
    const told = callStore(() => store[action](update.update_id), options.storeTimeoutMs);
    if (told instanceof Promise) {
      return told.then((outcome) => {
        if (outcome instanceof StoreFailure) storeFailed(action, update, outcome);
      });
    }
    if (told instanceof StoreFailure) storeFailed(action, update, told);
    return undefined;
  }

  function storeFailed(action: string, update: Update, failure: StoreFailure): StoreFailure {
    const what = failure.timedOut ? `did not answer within ${options.storeTimeoutMs} ms` : "failed";
    const message = `the dedupe store ${what} to ${action} update ${update.update_id}.`;
    options.onError(new TelehookError("store_failed", message, { cause: failure.cause }), update);
    return failure;
  }

  return {
    deliver,
    deliverWhileClosing,
    /** How many runs of `onUpdate` have not finished, including ones already acknowledged. */
    get unfinished(): number {
      return unfinished;
    },
  };
}

/** Calls `work`, turning anything it throws or returns (a value, a promise, a thenable) into a promise. */
function settle<T>(work: () => T | PromiseLike<T>): Promise<T> {
  try {
    return Promise.resolve(work());
  } catch (error) {
    return Promise.reject(error);
  }
}

function callWaitUntil(waitUntil: WaitUntil | undefined, promise: Promise<unknown>): void {
  if (!waitUntil) return;
  try {
    waitUntil(promise);
  } catch {
    // A platform hook that throws must not cost the answer; the update still runs on.
  }
}

function describe(value: unknown): string {
  return typeof value === "string" ? JSON.stringify(value.slice(0, 40)) : typeof value;
}

/** `result`, once `pending` (if any) has settled. */
function after(pending: Promise<void> | undefined, result: WebhookResult): MaybePromise<WebhookResult> {
  return pending ? pending.then(() => result) : result;
}
