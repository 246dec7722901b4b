import type { Update } from "@grammyjs/types";

export type { Update } from "@grammyjs/types";

/** Every update type this version knows: the keys of `Update` other than `update_id`. */
export type KnownUpdateType = Exclude<keyof Update, "update_id">;

/**
 * The type key of a delivered update. Telegram adds update types every few months, and an update whose
 * key this version does not know is still delivered: its key is then some other string.
 */
export type UpdateType = KnownUpdateType | (string & {});

const KNOWN_UPDATE_TYPES: ReadonlySet<string> = new Set<KnownUpdateType>([
  "message",
  "edited_message",
  "channel_post",
  "edited_channel_post",
  "business_connection",
  "business_message",
  "edited_business_message",
  "deleted_business_messages",
  "message_reaction",
  "message_reaction_count",
  "inline_query",
  "chosen_inline_result",
  "callback_query",
  "shipping_query",
  "pre_checkout_query",
  "purchased_paid_media",
  "poll",
  "poll_answer",
  "my_chat_member",
  "chat_member",
  "chat_join_request",
  "chat_boost",
  "removed_chat_boost",
  "managed_bot",
  "guest_message",
]);

/** True when the update type is one this version of telehook (and of `@grammyjs/types`) knows. */
export function isKnownUpdateType(type: string): type is KnownUpdateType {
  return KNOWN_UPDATE_TYPES.has(type);
}
