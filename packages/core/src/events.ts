import type { RejectionReason } from "./rejection.js";
import type { UpdateType } from "./update.js";

/**
 * What the webhook tells its instrumentation, one event per outcome. Events carry ids, types, reasons and
 * timings, never a body, a secret, a token or message text; the queue key (which holds a chat or user id)
 * only when the consumer sets `includeIds`.
 */
export type WebhookEvent =
  | RequestEvent
  | UpdateEvent<"received" | "queued" | "stuck">
  | (UpdateEvent<"duplicate"> & {
      /** `joined`: a copy arrived while the update ran here; `done`: it was handled; `busy`: it runs elsewhere. */
      readonly outcome: "joined" | "done" | "busy";
    })
  | (UpdateEvent<"started"> & {
      /** How long it waited for its chat and the store, since it was received. */
      readonly waitedMs: number;
    })
  | (UpdateEvent<"finished"> & {
      /** How long `onUpdate` ran. */
      readonly durationMs: number;
      /** The deadline had answered Telegram before it finished. */
      readonly acknowledgedEarly: boolean;
    })
  | (UpdateEvent<"failed"> & {
      readonly durationMs: number;
      /** The error's class name (`TypeError`, `TelehookError`…); never its message. */
      readonly errorType: string;
      /** What the error policy decided: Telegram sends it again, or it is handed to `onDeadLetter`. */
      readonly verdict: "retry" | "dead_letter";
    })
  | (UpdateEvent<"acknowledged"> & {
      /** Telegram was answered 200 at the deadline while `onUpdate` runs on; this long after arrival. */
      readonly afterMs: number;
    })
  | (UpdateEvent<"dead_lettered"> & { readonly errorType: string })
  | (UpdateEvent<"refused"> & {
      /** Answered non-2xx with `Retry-After` before it ran: Telegram keeps it. */
      readonly status: number;
      readonly reason: RejectionReason;
      /** True when the refusal was overload shedding (`queue_full`, `overloaded`). */
      readonly shed: boolean;
    })
  | (UpdateEvent<"store_error"> & {
      readonly action: "claim" | "renew" | "confirm" | "release";
      readonly timedOut: boolean;
      /** The error's class name; never its message. */
      readonly errorType: string;
    })
  | { readonly type: "closing"; readonly time: number }
  | {
      readonly type: "drained";
      readonly time: number;
      /** Every started update finished before `close()`'s timeout. */
      readonly drained: boolean;
      readonly unfinished: number;
    };

/** A request turned away before it was an update: wrong method, secret, type, size, JSON… */
export interface RequestEvent {
  readonly type: "rejected";
  readonly time: number;
  readonly status: number;
  readonly reason: RejectionReason;
}

/** What every event about one update carries. */
export interface UpdateEvent<T extends string> {
  readonly type: T;
  /** `performance.now()` when it happened, in milliseconds. */
  readonly time: number;
  readonly updateId: number;
  readonly updateType: UpdateType;
  /** What the update is ordered by: `chat`, `callback`, `poll`…, or `undefined` when nothing. */
  readonly queueKind: string | undefined;
  /** The full queue key, such as `chat:-100123`: only for consumers that set `includeIds`. */
  readonly queueKey?: string | undefined;
  /** One run of one update on this instance; the events of a run share it. */
  readonly runId: string;
}

/** Something that listens to the webhook's events: OpenTelemetry, a logger, metrics, a test. */
export interface WebhookInstrumentation {
  /** Called synchronously for every event; what it throws is caught and ignored. */
  onEvent(event: WebhookEvent): void;
  /**
   * Give this consumer the queue key (`chat:-100123`, `callback:42`), which holds chat and user ids.
   * @default false
   */
  readonly includeIds?: boolean;
}

/** Sends events to their consumers. */
export interface Events {
  readonly emit: (event: WebhookEvent) => void;
  /** Some consumer wants queue keys: put them in update events (the others get them stripped). */
  readonly includeIds: boolean;
}

/** One `emit` for all consumers, or `null` when there are none: then no event is ever built. */
export function createEvents(consumers: readonly WebhookInstrumentation[]): Events | null {
  if (consumers.length === 0) return null;
  const includeIds = consumers.some((consumer) => consumer.includeIds === true);
  return {
    includeIds,
    emit(event) {
      for (const consumer of consumers) {
        try {
          const redacted =
            includeIds && !consumer.includeIds && "queueKey" in event ? withoutKey(event) : event;
          consumer.onEvent(redacted);
        } catch {
          // A consumer's own failure must never change an answer.
        }
      }
    },
  };
}

function withoutKey(event: WebhookEvent): WebhookEvent {
  const { queueKey: _dropped, ...rest } = event as UpdateEvent<string>;
  return rest as WebhookEvent;
}

/** The class name of whatever was thrown, for events: never its message, which may hold user data. */
export function errorTypeOf(error: unknown): string {
  if (error instanceof Error) return error.name || "Error";
  return error === null ? "null" : typeof error;
}
