/**
 * The names this package writes. The `messaging.*` and `error.type` ones come from the OpenTelemetry
 * messaging semantic conventions; `telegram.*` and `telehook.*` are this package's own, namespaced so
 * they never collide with a convention.
 */
export const ATTR_MESSAGING_SYSTEM = "messaging.system";
export const ATTR_MESSAGING_OPERATION_TYPE = "messaging.operation.type";
export const ATTR_MESSAGING_OPERATION_NAME = "messaging.operation.name";
export const ATTR_MESSAGING_MESSAGE_ID = "messaging.message.id";
export const ATTR_ERROR_TYPE = "error.type";

/** The update's type key: `message`, `callback_query`… A closed set of Bot API names, never content. */
export const ATTR_UPDATE_TYPE = "telegram.update.type";
/** What the update is ordered by (`chat`, `callback`, `poll`…): the kind of its queue key, never the key. */
export const ATTR_QUEUE_KIND = "telehook.queue.kind";
/** The event kind counted by the outcomes counter: `finished`, `failed`, `refused`, `rejected`… */
export const ATTR_OUTCOME = "telehook.outcome";
/** Why: a rejection reason, a failure's verdict, a duplicate's outcome, a store action. */
export const ATTR_REASON = "telehook.reason";
/** The deadline answered Telegram 200 while the update still ran. */
export const ATTR_ACKNOWLEDGED_EARLY = "telehook.acknowledged_early";
/** A refusal was overload shedding (`overloaded`, `queue_full`). */
export const ATTR_SHED = "telehook.shed";

/** The value of `messaging.system`. */
export const MESSAGING_SYSTEM = "telegram";
/** The value of `messaging.operation.type` and `messaging.operation.name`. */
export const OPERATION = "process";
/** The span name: `{operation} {system}`. */
export const SPAN_NAME = "process telegram";
