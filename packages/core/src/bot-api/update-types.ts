import type { KnownUpdateType } from "../update.js";

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

/** The update types Telegram sends when `allowed_updates` is empty or was never set. */
export const DEFAULT_ALLOWED_UPDATES: readonly KnownUpdateType[] = UPDATE_TYPES_IN_SERVER_ORDER.filter(
  (type) => type !== "chat_member" && type !== "message_reaction" && type !== "message_reaction_count",
);

const ALL_UPDATE_TYPES: ReadonlySet<string> = new Set(UPDATE_TYPES_IN_SERVER_ORDER);

/** True for every update type `@grammyjs/types` knows; `allowed_updates` accepts exactly these. */
export function isAllowedUpdateType(type: string): type is KnownUpdateType {
  return ALL_UPDATE_TYPES.has(type);
}

/** Sorts update types into server order and removes duplicates; an empty list means the default set. */
export function normalizeAllowedUpdates(types: readonly string[] | undefined): readonly string[] {
  const wanted = new Set(types === undefined || types.length === 0 ? DEFAULT_ALLOWED_UPDATES : types);
  const known: string[] = UPDATE_TYPES_IN_SERVER_ORDER.filter((type) => wanted.has(type));
  const unknown = [...wanted].filter((type) => !known.includes(type)).sort();
  return [...known, ...unknown];
}
