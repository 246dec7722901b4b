import {
  type Attributes,
  context,
  type Span,
  SpanKind,
  SpanStatusCode,
  type Tracer,
  trace,
} from "@opentelemetry/api";
import type { UpdateEvent, WebhookEvent } from "@telehook/core";
import {
  ATTR_ACKNOWLEDGED_EARLY,
  ATTR_ERROR_TYPE,
  ATTR_MESSAGING_MESSAGE_ID,
  ATTR_MESSAGING_OPERATION_NAME,
  ATTR_MESSAGING_OPERATION_TYPE,
  ATTR_MESSAGING_SYSTEM,
  ATTR_QUEUE_KIND,
  ATTR_REASON,
  ATTR_SHED,
  ATTR_UPDATE_TYPE,
  MESSAGING_SYSTEM,
  OPERATION,
  SPAN_NAME,
} from "./attributes.js";

/** One run of one update that has a span open. */
interface Run {
  readonly span: Span;
  readonly updateId: number;
  /** It waits behind an earlier update of its chat and has not started. */
  queued: boolean;
  started: boolean;
}

/** The attributes every `process telegram` span starts with. */
function updateAttributes(event: UpdateEvent<string>): Attributes {
  const attributes: Attributes = {
    [ATTR_MESSAGING_SYSTEM]: MESSAGING_SYSTEM,
    [ATTR_MESSAGING_OPERATION_TYPE]: OPERATION,
    [ATTR_MESSAGING_OPERATION_NAME]: OPERATION,
    [ATTR_MESSAGING_MESSAGE_ID]: String(event.updateId),
    [ATTR_UPDATE_TYPE]: event.updateType,
  };
  if (event.queueKind !== undefined) attributes[ATTR_QUEUE_KIND] = event.queueKind;
  return attributes;
}

/**
 * The spans of the runs going on: one CONSUMER span per run, opened at `received` as a child of the context
 * active then (the HTTP server span, when HTTP instrumentation is on), and ended by the run's last event:
 * finished, failed, stuck, a duplicate found done, or a refusal. At most `limit` stay open: past it the
 * oldest is ended, so a consumer that misses an end never grows without bound.
 */
export function createRunSpans(tracer: Tracer, limit: number) {
  const runs = new Map<string, Run>();

  function open(event: UpdateEvent<string>): void {
    if (runs.size >= limit) evictOldest();
    const span = tracer.startSpan(
      SPAN_NAME,
      { kind: SpanKind.CONSUMER, startTime: event.time, attributes: updateAttributes(event) },
      context.active(),
    );
    runs.set(event.runId, { span, updateId: event.updateId, queued: false, started: false });
  }

  function evictOldest(): void {
    for (const [runId, run] of runs) {
      run.span.setAttribute("telehook.span.evicted", true);
      run.span.end();
      runs.delete(runId);
      return;
    }
  }

  function close(runId: string, run: Run, time: number): void {
    run.span.end(time);
    runs.delete(runId);
  }

  function fail(run: Run, errorType: string): void {
    run.span.setAttribute(ATTR_ERROR_TYPE, errorType);
    // The error's class name only: its message may hold what a user wrote.
    run.span.setStatus({ code: SpanStatusCode.ERROR, message: errorType });
  }

  /**
   * A refusal names no run (core gives refusals and store errors a placeholder run id): it belongs to the
   * oldest run of that update that has not started, if any.
   */
  function waitingRunOf(updateId: number): [string, Run] | undefined {
    for (const entry of runs) if (entry[1].updateId === updateId && !entry[1].started) return entry;
    return undefined;
  }

  function refused(event: Extract<WebhookEvent, { type: "refused" }>): void {
    const found = runs.has(event.runId)
      ? ([event.runId, runs.get(event.runId) as Run] as const)
      : waitingRunOf(event.updateId);
    const attributes = { [ATTR_REASON]: event.reason, [ATTR_SHED]: event.shed };
    if (found) {
      const [runId, run] = found;
      run.span.setAttributes(attributes);
      fail(run, event.reason);
      close(runId, run, event.time);
      return;
    }
    // Turned away before it ran (shed, shutting down): a span of no length, so the trace still shows it.
    const span = tracer.startSpan(
      SPAN_NAME,
      {
        kind: SpanKind.CONSUMER,
        startTime: event.time,
        attributes: { ...updateAttributes(event), ...attributes },
      },
      context.active(),
    );
    span.setAttribute(ATTR_ERROR_TYPE, event.reason);
    span.setStatus({ code: SpanStatusCode.ERROR, message: event.reason });
    span.end(event.time);
  }

  function onEvent(event: WebhookEvent): void {
    switch (event.type) {
      case "received":
        open(event);
        return;
      case "rejected":
        // A request that never became an update: note it on the HTTP span, if one is active.
        trace
          .getActiveSpan()
          ?.addEvent(
            "telehook.rejected",
            { [ATTR_REASON]: event.reason, "http.response.status_code": event.status },
            event.time,
          );
        return;
      case "refused":
        refused(event);
        return;
      case "closing":
      case "drained":
        return;
    }
    const run = runs.get(event.runId);
    if (event.type === "store_error") {
      const found = run ?? waitingRunOf(event.updateId)?.[1];
      found?.span.addEvent(
        "telehook.store_error",
        {
          [ATTR_REASON]: event.action,
          [ATTR_ERROR_TYPE]: event.errorType,
          "telehook.store.timed_out": event.timedOut,
        },
        event.time,
      );
      return;
    }
    if (!run) return; // Ended already (stuck, evicted): the metrics still count what comes later.
    switch (event.type) {
      case "queued":
        run.queued = true;
        run.span.addEvent("telehook.queued", undefined, event.time);
        return;
      case "started":
        run.started = true;
        run.queued = false;
        run.span.addEvent("telehook.started", { "telehook.waited_ms": event.waitedMs }, event.time);
        return;
      case "acknowledged":
        run.span.setAttribute(ATTR_ACKNOWLEDGED_EARLY, true);
        run.span.addEvent("telehook.acknowledged", { "telehook.after_ms": event.afterMs }, event.time);
        return;
      case "duplicate":
        run.span.addEvent("telehook.duplicate", { [ATTR_REASON]: event.outcome }, event.time);
        // Found handled already: nothing more happens to this run. `busy` ends with its refusal.
        if (event.outcome === "done") close(event.runId, run, event.time);
        return;
      case "finished":
        run.span.setAttribute(ATTR_ACKNOWLEDGED_EARLY, event.acknowledgedEarly);
        close(event.runId, run, event.time);
        return;
      case "failed":
        fail(run, event.errorType);
        run.span.addEvent(
          event.verdict === "retry" ? "telehook.retry" : "telehook.dead_letter",
          { [ATTR_ERROR_TYPE]: event.errorType },
          event.time,
        );
        close(event.runId, run, event.time);
        return;
      case "stuck":
        // It may never end: end its span now; its late outcome still reaches the metrics.
        run.span.addEvent("telehook.stuck", undefined, event.time);
        fail(run, "handler_timeout");
        close(event.runId, run, event.time);
        return;
      case "dead_lettered":
        return;
    }
  }

  return {
    onEvent,
    /** Runs received and not ended or stuck: what core counts as in flight. */
    get inFlight(): number {
      return runs.size;
    },
    /** Runs waiting behind an earlier update of their chat. */
    get queued(): number {
      let queued = 0;
      for (const run of runs.values()) if (run.queued) queued++;
      return queued;
    },
  };
}
