import { type Deadline, DeadlineQueue } from "../deadline-queue.js";
import { TelehookError } from "../errors.js";
import type { ResolvedOptions, UpdateContext } from "../options.js";
import type { ParsedUpdate } from "../parse-update.js";
import { type RejectionReason, rejection } from "../rejection.js";
import { OK_RESULT, rejectionResult, replyResult, type WebhookResult } from "../result.js";
import type { Update } from "../update.js";
import type { Activity } from "./activity.js";
import type { ClaimResult } from "./dedupe-store.js";
import { FailureLedger } from "./error-policy.js";
import { OrderedQueues } from "./ordered-queues.js";
import { queueKeyOf } from "./queue-key.js";
import { looksLikeReply, serializeReply } from "./webhook-reply.js";

type MaybePromise<T> = T | Promise<T>;

/**
 * One run of `onUpdate` for one update id. Every copy of the update that arrives meanwhile waits on the
 * same `response`, which settles with the outcome or, if the deadline comes first, with an early 200.
 */
class Execution {
  readonly update: Update;
  readonly context: UpdateContext;
  readonly response: Promise<WebhookResult>;
  /** Some request was answered before `onUpdate` settled: Telegram will not redeliver the update. */
  acknowledged = false;
  deadline: Deadline | undefined;
  #respond!: (result: WebhookResult) => void;
  #responded = false;
  #finished: (() => void) | undefined;

  constructor(update: Update, context: UpdateContext) {
    this.update = update;
    this.context = context;
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
    this.deadline?.cancel();
    this.respond(result);
    this.#finished?.();
  }
}

/**
 * Delivery semantics on top of the request pipeline: deduplication by `update_id`, per-chat order, the
 * deadline with early acknowledgement, the error budget and dead letters, webhook replies.
 */
export function createDelivery(options: ResolvedOptions, activity: Activity) {
  const queues = new OrderedQueues();
  const deadlines = new DeadlineQueue(options.deadlineMs);
  const ledger = new FailureLedger(options.errorPolicy, options.maxAttempts);
  const running = new Map<number, Execution>();
  const store = options.dedupeStore;
  const retryHeaders = { "retry-after": String(options.retryAfterSeconds) };
  let unfinished = 0;

  /** Delivers one update; a copy of an update still running joins that run instead of starting another. */
  function deliver({ update, updateType }: ParsedUpdate): Promise<WebhookResult> {
    const joined = store ? running.get(update.update_id) : undefined;
    return (joined ?? start(update, { updateType })).response;
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
    const answer = (claim: ClaimResult): Promise<WebhookResult> => {
      if (claim === "done") return Promise.resolve(OK_RESULT);
      if (claim === "busy") return Promise.resolve(refuse("duplicate_in_progress"));
      return Promise.resolve(after(settleClaim("release", update), refuse("shutting_down")));
    };
    const claim = claimOrProceed(update);
    return claim instanceof Promise ? claim.then(answer) : answer(claim);
  }

  function start(update: Update, context: UpdateContext): Execution {
    const execution = new Execution(update, context);
    activity.begin();
    unfinished++;
    if (store) running.set(update.update_id, execution);
    execution.deadline = deadlines.schedule(() => expire(execution));
    // The execution is registered before the claim settles, so a copy arriving meanwhile joins it.
    const claim = store ? claimOrProceed(update) : "claimed";
    if (claim instanceof Promise) claim.then((result) => proceed(execution, result));
    else proceed(execution, claim);
    return execution;
  }

  function proceed(execution: Execution, claim: ClaimResult): void {
    if (claim !== "claimed") {
      end(execution, claim === "done" ? OK_RESULT : refuse("duplicate_in_progress"));
      return;
    }
    const { update, context } = execution;
    queues
      .run(queueKeyOf(update, context.updateType), () => options.onUpdate(update, context))
      .then(
        (returned) => end(execution, succeeded(execution, returned)),
        (error: unknown) => end(execution, failed(execution, error)),
      );
  }

  function end(execution: Execution, result: MaybePromise<WebhookResult>): void {
    if (result instanceof Promise) {
      result.then((settled) => end(execution, settled));
      return;
    }
    if (running.get(execution.update.update_id) === execution) running.delete(execution.update.update_id);
    execution.finish(result);
    unfinished--;
    activity.end();
  }

  /** The deadline passed first: acknowledge now, and let `onUpdate` run on. */
  function expire(execution: Execution): void {
    execution.acknowledged = true;
    execution.respond(OK_RESULT);
    options.onDeadline(execution.update, execution.context);
    options.waitUntil?.(execution.finished());
  }

  function succeeded(execution: Execution, returned: unknown): MaybePromise<WebhookResult> {
    const { update } = execution;
    ledger.succeeded(update.update_id);
    let result = OK_RESULT;
    if (looksLikeReply(returned)) {
      const body = replyBody(returned, execution);
      if (body instanceof TelehookError) options.onError(body, update);
      else result = replyResult(body);
    }
    return after(settleClaim("confirm", update), result);
  }

  function replyBody(returned: { method: unknown }, execution: Execution): string | TelehookError {
    const method = String(returned.method);
    if (!options.webhookReply) {
      return new TelehookError(
        "webhook_reply_disabled",
        `onUpdate returned a ${method} call, but webhookReply is off, so it was not sent. Set webhookReply: true or call the Bot API.`,
      );
    }
    if (execution.acknowledged) {
      return new TelehookError(
        "webhook_reply_too_late",
        `onUpdate returned a ${method} call after the deadline had already answered Telegram, so it was not sent. Call the Bot API for slow work.`,
      );
    }
    return serializeReply(returned);
  }

  function failed(execution: Execution, error: unknown): MaybePromise<WebhookResult> {
    const { update } = execution;
    options.onError(error, update);
    const verdict = execution.acknowledged ? "acknowledge" : decide(error, update);
    if (verdict === "retry") {
      return after(
        settleClaim("release", update),
        rejectionResult(rejection("handler_failed"), retryHeaders),
      );
    }
    options.onDeadLetter(update, error);
    return after(settleClaim("confirm", update), OK_RESULT);
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

  function refuse(reason: RejectionReason): WebhookResult {
    const turnedAway = rejection(reason);
    options.onReject(turnedAway);
    return rejectionResult(turnedAway, retryHeaders);
  }

  function claimOrProceed(update: Update): MaybePromise<ClaimResult> {
    const failedClaim = (cause: unknown): ClaimResult => {
      storeFailed("claim", update, cause);
      return "claimed";
    };
    try {
      const claim = (store as NonNullable<typeof store>).claim(update.update_id);
      return claim instanceof Promise ? claim.catch(failedClaim) : claim;
    } catch (cause) {
      return failedClaim(cause);
    }
  }

  function settleClaim(action: "confirm" | "release", update: Update): Promise<void> | undefined {
    if (!store) return undefined;
    try {
      const settled = store[action](update.update_id);
      return settled instanceof Promise
        ? settled.catch((cause) => storeFailed(action, update, cause))
        : undefined;
    } catch (cause) {
      storeFailed(action, update, cause);
      return undefined;
    }
  }

  function storeFailed(action: string, update: Update, cause: unknown): void {
    const message = `the dedupe store failed to ${action} update ${update.update_id}; it was handled without deduplication.`;
    options.onError(new TelehookError("dedupe_store_failed", message, { cause }), update);
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

/** `result`, once `pending` (if any) has settled. */
function after(pending: Promise<void> | undefined, result: WebhookResult): MaybePromise<WebhookResult> {
  return pending ? pending.then(() => result) : result;
}
