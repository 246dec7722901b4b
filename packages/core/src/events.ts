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
      /** How long `onUpdate` ran before it threw or rejected. */
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
  | (UpdateEvent<"dead_lettered"> & {
      /** The class name of the last error (`TypeError`…); never its message. */
      readonly errorType: string;
    })
  | (UpdateEvent<"refused"> & {
      /** Answered non-2xx with `Retry-After` before it ran: Telegram keeps it. */
      readonly status: number;
      /** Why it was refused: `not_started`, `queue_full`, `overloaded`, `shutting_down`… */
      readonly reason: RejectionReason;
      /** True when the refusal was overload shedding (`queue_full`, `overloaded`). */
      readonly shed: boolean;
    })
  | (UpdateEvent<"store_error"> & {
      /** The store call that failed: claiming the update, renewing its lease, confirming or releasing it. */
      readonly action: "claim" | "renew" | "confirm" | "release";
      /** It did not answer within `storeTimeoutMs`, rather than throwing. */
      readonly timedOut: boolean;
      /** The error's class name; never its message. */
      readonly errorType: string;
    })
  | {
      /** `close()` was called: new updates are answered 503 from now on. */
      readonly type: "closing";
      /** `performance.now()` when it happened, in milliseconds. */
      readonly time: number;
    }
  | {
      /** `close()` returned. */
      readonly type: "drained";
      /** `performance.now()` when it happened, in milliseconds. */
      readonly time: number;
      /** Every started update finished before `close()`'s timeout. */
      readonly drained: boolean;
      /** How many updates were still running when `close()` returned. */
      readonly unfinished: number;
    };

/** A request turned away before it was an update: wrong method, secret, type, size, JSON… */
export interface RequestEvent {
  /** Always `rejected`. */
  readonly type: "rejected";
  /** `performance.now()` when it happened, in milliseconds. */
  readonly time: number;
  /** The HTTP status answered (401, 413, 415…). */
  readonly status: number;
  /** The machine-readable reason, the same as in the response body and in `onReject`. */
  readonly reason: RejectionReason;
}

/** What every event about one update carries. */
export interface UpdateEvent<T extends string> {
  /** What happened: `received`, `queued`, `started`, `finished`, `failed`, `refused`… */
  readonly type: T;
  /** `performance.now()` when it happened, in milliseconds. */
  readonly time: number;
  /** The update's `update_id`. */
  readonly updateId: number;
  /** The update's type key: `message`, `callback_query`… */
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
  /** Hands one event to every consumer. */
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
