const SECOND = 1000;
const DAY = 86_400 * SECOND;

/** Lifetimes of update types that expire a fixed time after they are queued. */
const FIXED_LIFETIMES: Readonly<Record<string, number>> = {
  callback_query: 150 * SECOND,
  shipping_query: 150 * SECOND,
  pre_checkout_query: 150 * SECOND,
  chosen_inline_result: 600 * SECOND,
  inline_query: 30 * SECOND,
};

const MESSAGE_TYPES = new Set([
  "message",
  "edited_message",
  "channel_post",
  "edited_channel_post",
  "business_message",
  "edited_business_message",
  "guest_message",
]);

const EVENT_DATE_TYPES = new Set([
  "chat_member",
  "my_chat_member",
  "chat_join_request",
  "message_reaction",
  "message_reaction_count",
]);

/**
 * When an update stops being delivered, in emulated ms. Types whose lifetime counts from a date inside the
 * update (a message's `edit_date` or `date`, an event's `date`, a boost's date) expire 24 h after that date;
 * the age of that date is measured in real time, so an update made "now" by a factory lives a full emulated
 * day even on a sped-up clock. Other types live a fixed time from being queued.
 */
export function expiresAt(type: string, payload: unknown, emulatedNow: number, realNow: number): number {
  const fixed = FIXED_LIFETIMES[type];
  if (fixed !== undefined) return emulatedNow + fixed;
  const dated = datedSeconds(type, payload);
  if (dated === undefined) return emulatedNow + DAY;
  return emulatedNow + (dated * SECOND + DAY - realNow);
}

function datedSeconds(type: string, payload: unknown): number | undefined {
  const p = typeof payload === "object" && payload !== null ? (payload as Record<string, unknown>) : {};
  if (MESSAGE_TYPES.has(type)) return numberOrUndefined(p.edit_date) ?? numberOrUndefined(p.date);
  if (EVENT_DATE_TYPES.has(type)) return numberOrUndefined(p.date);
  if (type === "chat_boost") {
    const boost = p.boost as Record<string, unknown> | undefined;
    return numberOrUndefined(boost?.add_date);
  }
  if (type === "removed_chat_boost") return numberOrUndefined(p.remove_date);
  return undefined;
}

function numberOrUndefined(value: unknown): number | undefined {
  return typeof value === "number" && Number.isFinite(value) ? value : undefined;
}
