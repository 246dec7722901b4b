import { TelehookError } from "../errors.js";
import { type Events, errorTypeOf, type UpdateEvent, type WebhookEvent } from "../events.js";
import type { ParsedUpdate } from "../parse-update.js";
import { type Rejection, type RejectionReason, rejection } from "../rejection.js";
import { OK_RESULT, rejectionResult, replyResult, type WebhookResult } from "../result.js";
import { isThenable } from "../thenable.js";
import { cancelTimer, startTimer, type Timer } from "../timer.js";
import type { Update, UpdateContext, UpdateHandler } from "../update.js";
import type { Activity } from "./activity.js";
import { ChatQueues, type QueueLimits, type QueuePlace } from "./chat-queues.js";
import type { ClaimResult, DeliveryStore } from "./delivery-store.js";
import { type ErrorPolicy, FailureLedger } from "./error-policy.js";
import { queueKeyOf } from "./queue-key.js";
import { RecentReplies } from "./recent-replies.js";
import {
  awaitStore,
  callStore,
  invokeStore,
  PendingStoreCall,
  type StoreCall,
  StoreFailure,
} from "./store-call.js";
import { replyBody } from "./webhook-reply.js";

type MaybePromise<T> = T | Promise<T>;
type WaitUntil = (promise: Promise<unknown>) => void;

/** The options delivery runs on, resolved (defaults applied, hooks guarded) by `resolveOptions`. */
export interface DeliveryOptions {
  /** The `onUpdate` option: handles one update. */
  readonly onUpdate: UpdateHandler;
  /** The `onReject` option, guarded so that it never throws; does nothing by default. */
  readonly onReject: (rejection: Rejection) => void;
  /** The `onError` option, guarded so that it never throws; logs by default. */
  readonly onError: (error: unknown, update: Update) => void;
  /** The `onDeadline` option, guarded so that it never throws; does nothing by default. */
  readonly onDeadline: (update: Update, context: UpdateContext) => void;
  /** The `onDeadLetter` option, guarded so that it never throws; logs by default. */
  readonly onDeadLetter: (update: Update, error: unknown) => void;
  /** The `waitUntil` option, guarded; undefined when not given. */
  readonly waitUntil: WaitUntil | undefined;
  /** The `deadlineMs` option: how long to wait for `onUpdate` before answering anyway, in ms. */
  readonly deadlineMs: number;
  /** The `maxRunMs` option: how long one run may take before it counts as stuck, in ms. */
  readonly maxRunMs: number;
  /** The `maxQueuedPerChat` and `maxQueued` options. */
  readonly queueLimits: QueueLimits;
  /** The `maxInFlight` option: the most runs of `onUpdate` going at once. */
  readonly maxInFlight: number;
  /** Where events go, or `null` when no instrumentation, logger or stats wants them. */
  readonly events: Events | null;
  /** The `store` option (the memory store by default), or `null` with `dedupe: false`. */
  readonly store: DeliveryStore | null;
  /** True when `store` is the private default one, which never reads a run's `owner`. */
  readonly ownStore: boolean;
  /** The `storeTimeoutMs` option: how long one store call may take, in ms. */
  readonly storeTimeoutMs: number;
  /** The `leaseMs` option: how long a claim in the store lasts unless renewed, in ms. */
  readonly leaseMs: number;
  /** The `retentionMs` option: how long a finished update is remembered, in ms. */
  readonly retentionMs: number;
  /** The `errorPolicy` option: what a failed update leads to. */
  readonly errorPolicy: ErrorPolicy;
  /** The `maxAttempts` option: with `"bounded-retry"`, the failures before an update is dead-lettered. */
  readonly maxAttempts: number;
  /** The `retryAfterSeconds` option: the `Retry-After` sent with a retry, a duplicate or a shutdown. */
  readonly retryAfterSeconds: number;
  /** The `webhookReply` option: true to answer with a Bot API call in the response body. */
  readonly webhookReply: boolean;
}

/** What one request asks of its update's run, beside the options (see `WebhookRequest`). */
export interface RunRequest {
  /** This request's `waitUntil`, used instead of the option's. */
  readonly waitUntil?: WaitUntil | undefined;
  /** This request's own, shorter deadline in ms; an update still running when it passes is refused. */
  readonly deadlineMs?: number | undefined;
  /** At the deadline, answer 200 (`"acknowledge"`, the default) or 503 (`"refuse"`) to a run still going. */
  readonly whenRunningAtDeadline?: "acknowledge" | "refuse" | undefined;
}

/**
 * Where one run of an update stands:
 * - `waiting`: for its chat's earlier update (here, or on another instance) or for the store. The deadline
 *   answers 503 here: nothing is acknowledged before it started.
 * - `running`: `onUpdate` was called and has not settled. The deadline answers 200 here.
 * - `settling`: `onUpdate` settled; the store is being told, then the answer goes out.
 * - `ended`: answered and accounted for.
 */
type Phase = "waiting" | "running" | "settling" | "ended";

const CLAIM_RESULTS: readonly unknown[] = ["claimed", "done", "busy", "queued"];
/** How often to ask the store again while another instance holds the update's chat. */
const QUEUED_RETRY_MS = 50;

/**
 * One run of `onUpdate` for one update id. Every copy of the update that arrives meanwhile waits on the
 * same `response`, which is the outcome or, if the deadline comes first, its answer.
 */
class Execution {
  readonly update: Update;
  readonly context: UpdateContext;
  /** Who this run is to the store. */
  readonly claim: StoreCall;
  readonly request: RunRequest | undefined;
  phase: Phase = "waiting";
  /** The store granted the claim: confirm or release it at the end. */
  claimed = false;
  place: QueuePlace | undefined;
  /** The deadline, and after it the stuck-run limit. */
  timer: Timer | undefined;
  /** Asking the store again while another instance holds the chat; after the deadline, renewing leases. */
  storeTimer: Timer | undefined;
  /** While it waits: when the run ahead of it in its chat passes `maxRunMs` (see `watchHolder`). */
  watchTimer: Timer | undefined;
  /** A request was answered 200 before `onUpdate` settled: Telegram will not redeliver the update. */
  acknowledged = false;
  /** A request was answered (200 or 503) before `onUpdate` settled: a reply can no longer be sent. */
  answered = false;
  /** This run's deadline: the option's, or a shorter one the request asked for. */
  deadlineMs = 0;
  /** The run passed `maxRunMs`: its chat went on without it and it no longer counts as in flight. */
  abandoned = false;
  /** When it arrived (`performance.now()`, only while events are listened to), and when `onUpdate` started. */
  receivedAt = 0;
  startedAt = 0;
  /** The answer, once a request was given one: the outcome, or the deadline's answer. */
  answer: WebhookResult | undefined;
  /** The promise behind `response`, made only when a request has to wait for the answer. */
  #response: Promise<WebhookResult> | undefined;
  #respond: ((result: WebhookResult) => void) | undefined;
  /** Told the run's own outcome when it ends: `waitUntil`, and copies that wait after a refusal. */
  #onEnd: ((result: WebhookResult) => void)[] | undefined;

  constructor(update: Update, context: UpdateContext, claim: StoreCall, request: RunRequest | undefined) {
    this.update = update;
    this.context = context;
    this.claim = claim;
    this.request = request;
  }

  /**
   * The answer for a request: the value itself once it is known (a run that finished at once), or a
   * promise of it, which every copy of the update that arrives meanwhile shares.
   */
  get response(): WebhookResult | Promise<WebhookResult> {
    if (this.answer) return this.answer;
    this.#response ??= new Promise((resolve) => {
      this.#respond = resolve;
    });
    return this.#response;
  }

  respond(result: WebhookResult): void {
    if (this.answer) return;
    this.answer = result;
    this.#respond?.(result);
  }

  /** A promise of the run's own outcome, once `onUpdate` has settled (for `waitUntil`, and waiting copies). */
  finished(): Promise<WebhookResult> {
    return new Promise((resolve) => {
      this.#onEnd ??= [];
      this.#onEnd.push(resolve);
    });
  }

  finish(result: WebhookResult): void {
    cancelTimer(this.timer);
    cancelTimer(this.storeTimer);
    cancelTimer(this.watchTimer);
    this.respond(result);
    if (this.#onEnd) for (const tell of this.#onEnd) tell(result);
    this.#onEnd = undefined;
  }
}

/**
 * Delivery semantics on top of the request pipeline: deduplication by `update_id` and per-chat order
 * (within this process through its chat lines, across instances through the store's leases), the deadline
 * with early acknowledgement (only of updates that started), the stuck-run limit, bounded queues, the error
 * budget and dead letters, webhook replies.
 */
export function createDelivery(options: DeliveryOptions, activity: Activity) {
  const queues = new ChatQueues<Execution>(options.queueLimits, (execution) => begin(execution));
  const ledger = new FailureLedger(options.errorPolicy, options.maxAttempts);
  const replies = new RecentReplies();
  const running = new Map<number, Execution>();
  // The latest run, not yet in `running`: it is listed only when something looks there while it goes on.
  // A run that ends within the call that started it (a synchronous onUpdate) then never touches the Map,
  // which V8 rebuilds each time a small Map empties.
  let unlisted: Execution | undefined;
  const runningOf = (updateId: number): Execution | undefined => {
    listRunning();
    return running.get(updateId);
  };
  const listRunning = (): void => {
    if (unlisted === undefined) return;
    running.set(unlisted.update.update_id, unlisted);
    unlisted = undefined;
  };
  const store = options.store;
  const retryHeaders = { "retry-after": String(options.retryAfterSeconds) };
  // Made on the first update, not here: Workers refuse random values while a module is being loaded, and
  // handlers are built at module scope there.
  let instance = "";
  const events = options.events;
  let runs = 0;
  let unfinished = 0;

  // A run's name (its store owner, its events' runId) is made only where something reads it.
  const namesRuns = events !== null || (store !== null && !options.ownStore);
  // One object serves every store call of a run: claim and renew read leaseMs, confirm reads retentionMs.
  const claimOf = (update: Update, queueKey: string | undefined): StoreCall => {
    if (namesRuns && instance === "") instance = instanceId();
    return {
      updateId: update.update_id,
      queueKey,
      owner: namesRuns ? `${instance}:${++runs}` : "",
      leaseMs: options.leaseMs,
      retentionMs: options.retentionMs,
    };
  };

  /** Delivers one update; a copy of an update still running joins that run instead of starting another. */
  function deliver({ update, updateType }: ParsedUpdate, request?: RunRequest): MaybePromise<WebhookResult> {
    const joined = store ? runningOf(update.update_id) : undefined;
    if (joined) {
      if (events) emit(joined, "duplicate", { outcome: "joined" });
      return joined.answered && !joined.acknowledged ? joinRefused(joined, request) : joined.response;
    }
    const key = queueKeyOf(update, updateType);
    if (unfinished >= options.maxInFlight) return refuse("overloaded", update, updateType, key);
    if (!queues.hasRoom(key)) return refuse("queue_full", update, updateType, key);
    return start(update, { updateType }, key, request).response;
  }

  /**
   * While closing, nothing new starts: an update not handled yet gets 503 with Retry-After, so Telegram
   * brings it to the next process. But a copy of one this process already handled is acknowledged, and a
   * copy of one still running joins that run: handing those on would have the next process, which has
   * no memory of them, handle them twice.
   */
  function deliverWhileClosing({ update, updateType }: ParsedUpdate): MaybePromise<WebhookResult> {
    const joined = store ? runningOf(update.update_id) : undefined;
    if (joined) return joined.response;
    const key = queueKeyOf(update, updateType);
    if (!store) return refuse("shutting_down", update, updateType, key);
    const claim = claimOf(update, key);
    const answer = (granted: ClaimResult | StoreFailure): MaybePromise<WebhookResult> => {
      if (granted === "done") return doneResult(update);
      if (granted === "busy") return refuse("duplicate_in_progress", update, updateType, key);
      const refused = refuse("shutting_down", update, updateType, key);
      return granted === "claimed" ? after(tellStore("release", claim, update), refused) : refused;
    };
    const granted = claimUpdate(claim, update);
    return granted instanceof Promise ? granted.then(answer) : answer(granted);
  }

  function start(
    update: Update,
    context: UpdateContext,
    key: string | undefined,
    request: RunRequest | undefined,
  ): Execution {
    const execution = new Execution(update, context, claimOf(update, key), request);
    activity.begin();
    unfinished++;
    if (store) {
      listRunning();
      unlisted = execution;
    }
    if (events) {
      execution.receivedAt = performance.now();
      emit(execution, "received");
    }
    execution.deadlineMs = deadlineOf(request);
    // The place in the chat's line is taken on arrival, so nothing of the chat that comes later can run
    // first; the store is asked once the line reaches it, for the update and its chat together.
    execution.place = queues.enter(key, execution);
    if (execution.place.hasTurn) begin(execution);
    else {
      if (events) emit(execution, "queued");
      watchHolder(execution, queues.holderOf(key));
    }
    // The deadline's timer, set once the run is under way: a run that already finished (a synchronous
    // onUpdate with a store that answers at once) needs none.
    if (execution.phase === "waiting" || execution.phase === "running") {
      execution.timer = startTimer(execution.deadlineMs, deadlinePassed, execution);
    }
    return execution;
  }

  /** The update's turn in its chat came: ask the store for it, or run it when there is no store. */
  function begin(execution: Execution): void {
    if (store) askStore(execution);
    else run(execution);
  }

  /**
   * A waiting update keeps its own eye on the run ahead of it: where a timer dies with the request that set
   * it (Workers cancel a run with its request), the stuck run's own `maxRunMs` timer may never fire, and
   * its chat would stay blocked. The waiter checks the run's age now, and once more from its own request
   * if the limit falls before its deadline.
   */
  function watchHolder(waiter: Execution, holder: Execution | undefined): void {
    if (holder?.phase !== "running" || holder.abandoned) return;
    const left = options.maxRunMs - (performance.now() - holder.startedAt);
    if (left <= 0) stuck(holder);
    else if (left < waiter.deadlineMs) waiter.watchTimer = startTimer(left, stuck, holder);
  }

  function askStore(execution: Execution): void {
    execution.storeTimer = undefined;
    const granted = claimUpdate(execution.claim, execution.update);
    // Detached on purpose, here and at the other store calls below: the pipeline stays synchronous for a
    // store that answers synchronously, and callStore's promise never rejects (a failure resolves to a
    // StoreFailure), while what runs after it is telehook's own code, which gives hooks' throws to their
    // own handlers.
    if (granted instanceof Promise) void granted.then((settled) => claimSettled(execution, settled));
    else claimSettled(execution, granted);
  }

  function claimSettled(execution: Execution, granted: ClaimResult | StoreFailure): void {
    if (execution.phase !== "waiting") {
      // The deadline already answered 503: give back a claim that came too late.
      // Detached: tellStore never rejects, and reports a failed store itself.
      if (granted === "claimed") void tellStore("release", execution.claim, execution.update);
      return;
    }
    if (granted === "claimed") {
      execution.claimed = true;
      run(execution);
    } else if (granted === "queued") {
      // Another instance runs an earlier update of this chat: ask again until the deadline says 503.
      execution.storeTimer = startTimer(QUEUED_RETRY_MS, askStore, execution);
    } else if (granted === "done") {
      if (events) emit(execution, "duplicate", { outcome: "done" });
      endUnstarted(execution, doneResult(execution.update));
    } else if (granted === "busy") {
      if (events) emit(execution, "duplicate", { outcome: "busy" });
      endUnstarted(execution, refuseExecution(execution, "duplicate_in_progress"));
    } else endUnstarted(execution, refuseExecution(execution, "store_unavailable"));
  }

  function run(execution: Execution): void {
    execution.phase = "running";
    cancelTimer(execution.watchTimer);
    execution.startedAt = performance.now();
    if (events) emit(execution, "started", { waitedMs: execution.startedAt - execution.receivedAt });
    const { update, context } = execution;
    let returned: unknown;
    try {
      returned = options.onUpdate(update, context);
      if (isThenable(returned)) {
        void Promise.resolve(returned).then(
          (value) => settled(execution, succeeded(execution, value)),
          (error: unknown) => settled(execution, failed(execution, error)),
        );
        return;
      }
    } catch (error) {
      settled(execution, failed(execution, error));
      return;
    }
    // A synchronous onUpdate has finished already: answer now, without waiting for a promise.
    settled(execution, succeeded(execution, returned));
  }

  /**
   * A copy of an update whose run was refused at its deadline and goes on: Telegram still owns the update,
   * so the copy waits for the run's own outcome, within its own deadline, and is refused again after it.
   */
  function joinRefused(execution: Execution, request: RunRequest | undefined): Promise<WebhookResult> {
    return new Promise((resolve) => {
      const timer = startTimer(deadlineOf(request), () =>
        resolve(refuseExecution(execution, "still_running")),
      );
      void execution.finished().then((result) => {
        cancelTimer(timer);
        resolve(result);
      });
    });
  }

  /** The deadline of a request: the option's, or a shorter one the request asked for. */
  function deadlineOf(request: RunRequest | undefined): number {
    const own = request?.deadlineMs;
    return own !== undefined && own < options.deadlineMs ? Math.max(0, own) : options.deadlineMs;
  }

  /**
   * The deadline passed. An update that started is acknowledged and runs on; one that has not started
   * (its chat is busy, or the store is slow) is answered 503 and dropped here, so Telegram keeps it.
   */
  function deadlinePassed(execution: Execution): void {
    if (execution.phase === "waiting") {
      endUnstarted(execution, refuseExecution(execution, "not_started"));
      return;
    }
    if (execution.phase !== "running") return;
    execution.answered = true;
    // A request's own, shorter deadline is the end of its invocation: nothing runs on after it either.
    if (execution.request?.whenRunningAtDeadline === "refuse" || execution.deadlineMs < options.deadlineMs) {
      // The platform may freeze this run after the answer: Telegram keeps the update and sends it again.
      execution.respond(refuseExecution(execution, "still_running"));
    } else {
      execution.acknowledged = true;
      execution.respond(OK_RESULT);
      if (events) emit(execution, "acknowledged", { afterMs: performance.now() - execution.receivedAt });
      options.onDeadline(execution.update, execution.context);
      callWaitUntil(execution.request?.waitUntil ?? options.waitUntil, execution.finished());
    }
    execution.timer = startTimer(options.maxRunMs - execution.deadlineMs, stuck, execution);
    if (execution.claimed) renewLeases(execution);
  }

  /** Keeps a run that outlives the deadline in possession of its update and chat: now, then every third of a lease. */
  function renewLeases(execution: Execution): void {
    if (execution.phase !== "running" || execution.abandoned) return;
    const { claim, update } = execution;
    const kept = callStore(store as DeliveryStore, "renew", claim, options.storeTimeoutMs);
    const check = (answer: unknown) => {
      if (answer === true) return;
      const failure =
        answer instanceof StoreFailure ? answer : new StoreFailure(new TypeError("the leases were lost"));
      storeFailed("renew the leases of", update, failure, claim.owner);
    };
    // Detached: callStore's promise never rejects; check reports a lost lease itself.
    if (kept instanceof Promise) void kept.then(check);
    else check(kept);
    execution.storeTimer = startTimer(Math.max(1, Math.floor(options.leaseMs / 3)), renewLeases, execution);
  }

  /** The run passed `maxRunMs`: report it and let its chat go on. Its outcome is still reported later. */
  function stuck(execution: Execution): void {
    if (execution.phase !== "running" || execution.abandoned) return;
    execution.abandoned = true;
    cancelTimer(execution.storeTimer);
    // Telegram has its 200 and will not send the update again: it is done, and its chat is free everywhere.
    // Detached: tellStore never rejects, and reports a failed store itself.
    if (execution.claimed) void tellStore("confirm", execution.claim, execution.update);
    execution.claimed = false;
    execution.place?.leave();
    const { update_id } = execution.update;
    if (events) emit(execution, "stuck");
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
    end(execution, result);
  }

  /** `onUpdate` settled: answer, and let the chat's next update start, once the store has been told. */
  function settled(execution: Execution, result: MaybePromise<WebhookResult>): void {
    execution.phase = "settling";
    cancelTimer(execution.timer);
    cancelTimer(execution.storeTimer);
    // Detached: a pending result only waits for the store to be told (tellStore), which never rejects.
    if (result instanceof Promise) void result.then((answer) => end(execution, answer));
    else end(execution, result);
  }

  function end(execution: Execution, result: WebhookResult): void {
    execution.phase = "ended";
    execution.place?.leave();
    const { update_id } = execution.update;
    if (unlisted === execution) unlisted = undefined;
    else if (running.get(update_id) === execution) running.delete(update_id);
    execution.finish(result);
    if (execution.abandoned) return;
    unfinished--;
    activity.end();
  }

  function succeeded(execution: Execution, returned: unknown): MaybePromise<WebhookResult> {
    const { update } = execution;
    if (events) {
      const durationMs = performance.now() - execution.startedAt;
      emit(execution, "finished", { durationMs, acknowledgedEarly: execution.acknowledged });
    }
    ledger.succeeded(update.update_id);
    let result = OK_RESULT;
    const body = replyBody(returned, options.webhookReply, execution.answered);
    if (body instanceof TelehookError) options.onError(body, update);
    else if (body !== undefined) {
      result = replyResult(body);
      replies.remember(update.update_id, body);
    }
    return after(finishClaim("confirm", execution), result);
  }

  function failed(execution: Execution, error: unknown): MaybePromise<WebhookResult> {
    const { update } = execution;
    options.onError(error, update);
    const verdict = execution.acknowledged ? "acknowledge" : decide(error, update);
    if (events) {
      const errorType = errorTypeOf(error);
      const durationMs = performance.now() - execution.startedAt;
      emit(execution, "failed", {
        durationMs,
        errorType,
        verdict: verdict === "retry" ? "retry" : "dead_letter",
      });
      if (verdict !== "retry") emit(execution, "dead_lettered", { errorType });
    }
    if (verdict === "retry") {
      return after(
        finishClaim("release", execution),
        rejectionResult(rejection("handler_failed"), retryHeaders),
      );
    }
    options.onDeadLetter(update, error);
    return after(finishClaim("confirm", execution), OK_RESULT);
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

  /** Answers an update non-2xx with Retry-After, before it ran: Telegram keeps it. */
  function refuse(
    reason: RejectionReason,
    update: Update,
    updateType: string,
    key: string | undefined,
    runId = "-",
  ): WebhookResult {
    const turnedAway = rejection(reason);
    options.onReject(turnedAway);
    if (events) {
      const shed = reason === "queue_full" || reason === "overloaded";
      events.emit({
        ...eventFields("refused", update, updateType, key, runId),
        status: turnedAway.status,
        reason,
        shed,
      });
    }
    return rejectionResult(turnedAway, retryHeaders);
  }

  function refuseExecution(execution: Execution, reason: RejectionReason): WebhookResult {
    const { update, context, claim } = execution;
    return refuse(reason, update, context.updateType, claim.queueKey, claim.owner);
  }

  /** The fields every event about one update has. */
  function eventFields<T extends string>(
    type: T,
    update: Update,
    updateType: string,
    key: string | undefined,
    runId: string,
  ): UpdateEvent<T> {
    const event: { -readonly [K in keyof UpdateEvent<T>]: UpdateEvent<T>[K] } = {
      type,
      time: performance.now(),
      updateId: update.update_id,
      updateType,
      queueKind: key === undefined ? undefined : key.slice(0, key.indexOf(":")),
      runId,
    };
    if (events?.includeIds) event.queueKey = key;
    return event;
  }

  /** Emits an event about a run; `extra` is copied in without a spread, which is costly per update. */
  function emit(execution: Execution, type: string, extra?: Record<string, unknown>): void {
    const { update, context, claim } = execution;
    const fields = eventFields(type, update, context.updateType, claim.queueKey, claim.owner);
    const event = fields as unknown as Record<string, unknown>;
    if (extra) for (const name in extra) event[name] = extra[name];
    (events as NonNullable<typeof events>).emit(event as unknown as WebhookEvent);
  }

  /** The store's claim, checked: anything but the four answers is a store failure, never a lasting 409. */
  function claimUpdate(claim: StoreCall, update: Update): MaybePromise<ClaimResult | StoreFailure> {
    const granted = invokeStore(store as DeliveryStore, "claim", claim);
    if (!(granted instanceof PendingStoreCall)) return checkClaim(granted, claim, update);
    // A claim granted after we stopped waiting (a client that queued it while offline) is given back at once.
    const giveBack = (late: unknown) => {
      // Detached: tellStore never rejects, and reports a failed store itself.
      if (late === "claimed") void tellStore("release", claim, update);
    };
    return awaitStore(granted, options.storeTimeoutMs, giveBack).then((settled) =>
      checkClaim(settled, claim, update),
    );
  }

  function checkClaim(granted: unknown, claim: StoreCall, update: Update): ClaimResult | StoreFailure {
    if (granted instanceof StoreFailure) return storeFailed("claim", update, granted, claim.owner);
    if (CLAIM_RESULTS.includes(granted)) return granted as ClaimResult;
    const wrong = new TypeError(
      `claim() returned ${describe(granted)}, not "claimed", "done", "busy" or "queued"`,
    );
    return storeFailed("claim", update, new StoreFailure(wrong), claim.owner);
  }

  /** Confirms or releases the execution's claim, if it still holds one. */
  function finishClaim(action: "confirm" | "release", execution: Execution): Promise<void> | undefined {
    if (!execution.claimed) return undefined;
    execution.claimed = false;
    return tellStore(action, execution.claim, execution.update);
  }

  /** Confirms or releases a claim; resolves when the store answered, failed or ran out of time. */
  function tellStore(
    action: "confirm" | "release",
    claim: StoreCall,
    update: Update,
  ): Promise<void> | undefined {
    const told = callStore(store as DeliveryStore, action, claim, options.storeTimeoutMs);
    if (told instanceof Promise) {
      return told.then((outcome) => {
        if (outcome instanceof StoreFailure) storeFailed(action, update, outcome, claim.owner);
      });
    }
    if (told instanceof StoreFailure) storeFailed(action, update, told, claim.owner);
    return undefined;
  }

  function storeFailed(action: string, update: Update, failure: StoreFailure, runId = "-"): StoreFailure {
    if (events) {
      events.emit({
        ...eventFields("store_error", update, updateTypeOf(update), undefined, runId),
        action: action.split(" ")[0] as "claim",
        timedOut: failure.timedOut,
        errorType: failure.timedOut ? "timeout" : errorTypeOf(failure.cause),
      });
    }
    const what = failure.timedOut ? `did not answer within ${options.storeTimeoutMs} ms` : "failed";
    const message = `the delivery store ${what} to ${action} update ${update.update_id}.`;
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
    /** How many updates wait behind an earlier update of their chat. */
    get queued(): number {
      return queues.waiting;
    },
  };
}

function callWaitUntil(waitUntil: WaitUntil | undefined, promise: Promise<unknown>): void {
  if (!waitUntil) return;
  try {
    waitUntil(promise);
  } catch {
    // A platform hook that throws must not cost the answer; the update still runs on.
  }
}

/** A random name for this handler, so that owners are unique across the instances that share a store. */
function instanceId(): string {
  const webCrypto = (globalThis as { crypto?: { randomUUID?: () => string } }).crypto;
  return webCrypto?.randomUUID ? webCrypto.randomUUID() : Math.random().toString(36).slice(2);
}

/** The update's type key, for events that only have the update. */
function updateTypeOf(update: Update): string {
  for (const key in update) if (key !== "update_id") return key;
  return "unknown";
}

function describe(value: unknown): string {
  return typeof value === "string" ? JSON.stringify(value.slice(0, 40)) : typeof value;
}

/** `result`, once `pending` (if any) has settled. */
function after(pending: Promise<void> | undefined, result: WebhookResult): MaybePromise<WebhookResult> {
  return pending ? pending.then(() => result) : result;
}
