import type { Update } from "@grammyjs/types";

export type { Update } from "@grammyjs/types";

/** Every update type this version knows: the keys of `Update` other than `update_id`. */
export type KnownUpdateType = Exclude<keyof Update, "update_id">;

/**
 * The type key of a delivered update. Telegram adds update types every few months, and an update whose
 * key this version does not know is still delivered: its key is then some other string.
 */
export type UpdateType = KnownUpdateType | (string & {});

/**
 * Every update type, in the order the Bot API server lists them in `getWebhookInfo.allowed_updates`
 * (its internal enum order, not the documentation's).
 */
export const UPDATE_TYPES_IN_SERVER_ORDER = [
  "message",
  "edited_message",
  "channel_post",
  "edited_channel_post",
  "inline_query",
  "chosen_inline_result",
  "callback_query",
  "shipping_query",
  "pre_checkout_query",
  "poll",
  "poll_answer",
  "my_chat_member",
  "chat_member",
  "chat_join_request",
  "chat_boost",
  "removed_chat_boost",
  "message_reaction",
  "message_reaction_count",
  "business_connection",
  "business_message",
  "edited_business_message",
  "deleted_business_messages",
  "purchased_paid_media",
  "managed_bot",
  "guest_message",
  // In @grammyjs/types but not in the server enum the project's notes list; their position is a guess.
  "stopped_message_generation",
  "subscription",
] as const satisfies readonly KnownUpdateType[];

// Fails to compile when @grammyjs/types gains an update type this list lacks.
type Missing = Exclude<KnownUpdateType, (typeof UPDATE_TYPES_IN_SERVER_ORDER)[number]>;
const listIsComplete: [Missing] extends [never] ? true : Missing = true;
void listIsComplete;

const KNOWN_UPDATE_TYPES: ReadonlySet<string> = new Set(UPDATE_TYPES_IN_SERVER_ORDER);

/** True when the update type is one this version of telehook (and of `@grammyjs/types`) knows. */
export function isKnownUpdateType(type: string): type is KnownUpdateType {
  return KNOWN_UPDATE_TYPES.has(type);
}
