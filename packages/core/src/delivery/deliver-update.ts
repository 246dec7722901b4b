import { TelehookError } from "../errors.js";
import type { ResolvedOptions, UpdateContext } from "../options.js";
import type { ParsedUpdate } from "../parse-update.js";
import { type RejectionReason, rejection } from "../rejection.js";
import { OK_RESULT, rejectionResult, replyResult, type WebhookResult } from "../result.js";
import type { Update } from "../update.js";
import { FailureLedger } from "./error-policy.js";
import { OrderedQueues } from "./ordered-queues.js";
import { queueKeyOf } from "./queue-key.js";
import { looksLikeReply, serializeReply } from "./webhook-reply.js";

/** One run of `onUpdate` for one update id, shared by every copy of that update that arrives meanwhile. */
interface Execution {
  /** The answer for whoever still waits when `onUpdate` settles. Never rejects. */
  answer: Promise<WebhookResult>;
  /** Set once some request was answered before `onUpdate` settled: Telegram will not redeliver it. */
  acknowledged: boolean;
}

const DEADLINE = Symbol("deadline");

/**
 * Delivery semantics on top of the request pipeline: per-chat order, deduplication by `update_id`,
 * the deadline with early acknowledgement, the error budget and dead letters, webhook replies.
 */
export function createDelivery(options: ResolvedOptions) {
  const queues = new OrderedQueues();
  const ledger = new FailureLedger(options.errorPolicy, options.maxAttempts);
  const running = new Map<number, Execution>();
  const unsettled = new Set<Promise<WebhookResult>>();
  const store = options.dedupeStore;
  const retryHeaders = { "retry-after": String(options.retryAfterSeconds) };

  function refuse(reason: RejectionReason): WebhookResult {
    const turnedAway = rejection(reason);
    options.onReject(turnedAway);
    return rejectionResult(turnedAway, retryHeaders);
  }

  function deliver({ update, updateType }: ParsedUpdate): Promise<WebhookResult> {
    const context: UpdateContext = { updateType };
    const started = store ? running.get(update.update_id) : undefined;
    return answerWithin(started ?? start(update, context), update, context);
  }

  /**
   * Claims the update and runs it in its chat's order. The execution is registered before the claim is
   * awaited, so a copy arriving meanwhile joins it instead of racing it.
   */
  function start(update: Update, context: UpdateContext): Execution {
    const id = update.update_id;
    const execution: Execution = { acknowledged: false, answer: Promise.resolve(OK_RESULT) };
    const run = () =>
      queues
        .run(queueKeyOf(update, context.updateType), () => options.onUpdate(update, context))
        .then(
          (returned) => succeeded(update, returned, execution),
          (error: unknown) => failed(update, error, execution),
        );
    execution.answer = store
      ? claimOrProceed(id, update).then((claim) => {
          if (claim === "done") return OK_RESULT;
          if (claim === "busy") return refuse("duplicate_in_progress");
          return run();
        })
      : run();
    unsettled.add(execution.answer);
    if (store) running.set(id, execution);
    execution.answer.then(() => {
      unsettled.delete(execution.answer);
      if (running.get(id) === execution) running.delete(id);
    });
    return execution;
  }

  /** Waits for the execution's answer, or acknowledges at the deadline and lets it finish. */
  async function answerWithin(
    execution: Execution,
    update: Update,
    context: UpdateContext,
  ): Promise<WebhookResult> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const deadline = new Promise<typeof DEADLINE>((resolve) => {
      timer = setTimeout(resolve, options.deadlineMs, DEADLINE);
    });
    const first = await Promise.race([execution.answer, deadline]);
    clearTimeout(timer);
    if (first !== DEADLINE) return first;
    if (!execution.acknowledged) {
      execution.acknowledged = true;
      options.onDeadline(update, context);
      options.waitUntil?.(execution.answer);
    }
    return OK_RESULT;
  }

  async function succeeded(update: Update, returned: unknown, execution: Execution): Promise<WebhookResult> {
    ledger.succeeded(update.update_id);
    await settleClaim("confirm", update);
    if (!looksLikeReply(returned)) return OK_RESULT;
    const body = replyBody(returned, execution);
    if (body instanceof TelehookError) {
      options.onError(body, update);
      return OK_RESULT;
    }
    return replyResult(body);
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

  async function failed(update: Update, error: unknown, execution: Execution): Promise<WebhookResult> {
    options.onError(error, update);
    const verdict = execution.acknowledged ? "acknowledge" : decide(error, update);
    if (verdict === "retry") {
      await settleClaim("release", update);
      return rejectionResult(rejection("handler_failed"), retryHeaders);
    }
    await settleClaim("confirm", update);
    options.onDeadLetter(update, error);
    return OK_RESULT;
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

  async function claimOrProceed(id: number, update: Update) {
    try {
      return await (store as NonNullable<typeof store>).claim(id);
    } catch (cause) {
      options.onError(
        new TelehookError(
          "dedupe_store_failed",
          "the dedupe store failed to claim an update; handling it anyway.",
          { cause },
        ),
        update,
      );
      return "claimed";
    }
  }

  async function settleClaim(action: "confirm" | "release", update: Update): Promise<void> {
    if (!store) return;
    try {
      await store[action](update.update_id);
    } catch (cause) {
      options.onError(
        new TelehookError("dedupe_store_failed", `the dedupe store failed to ${action} an update.`, {
          cause,
        }),
        update,
      );
    }
  }

  return {
    deliver,
    /** Runs of `onUpdate` that have not settled yet, including ones already acknowledged. */
    unsettled: unsettled as ReadonlySet<Promise<WebhookResult>>,
  };
}
