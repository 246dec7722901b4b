// Deliberate independent oracle: the emulator's own copy of the server's update types, not imported from
// @telehook/core (its copy is UPDATE_TYPES_IN_SERVER_ORDER in packages/core/src/update.ts).
// packages/testing/test/emulator/core-agreement.test.ts checks that the two agree.
/**
 * Update types in the Bot API server's internal enum order, which `getWebhookInfo` lists `allowed_updates`
 * in. `custom_event` and `custom_query` are internal: accepted by the parser, never shown.
 */
export const SERVER_UPDATE_TYPE_ORDER = [
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
  // Bot API 10.4. Not read from the server's source: their place in its enum is a guess.
  "widget_query",
  "shared_widget_query",
] as const;

/** One of the update types Bot API 10.5 delivers. */
export type ServerUpdateType = (typeof SERVER_UPDATE_TYPE_ORDER)[number];

/** Internal types the `allowed_updates` parser accepts but `getWebhookInfo` hides. */
export const HIDDEN_UPDATE_TYPES = ["custom_event", "custom_query"] as const;

/** The types delivered when `allowed_updates` was never set: all but three. */
export const DEFAULT_ALLOWED_UPDATES: ReadonlySet<string> = new Set<string>([
  ...SERVER_UPDATE_TYPE_ORDER.filter(
    (type) => type !== "chat_member" && type !== "message_reaction" && type !== "message_reaction_count",
  ),
  ...HIDDEN_UPDATE_TYPES,
]);

/**
 * The type key of an update object: its one key besides `update_id`. Throws when there is not exactly one,
 * since Telegram never sends such an update.
 */
export function updateTypeOf(update: object): string {
  let found: string | undefined;
  for (const key of Object.keys(update)) {
    if (key === "update_id") continue;
    if (found !== undefined) {
      throw new TypeError(
        `@telehook/testing: an update has exactly one type key besides update_id; got "${found}" and "${key}".`,
      );
    }
    found = key;
  }
  if (found === undefined) {
    throw new TypeError("@telehook/testing: an update needs a type key such as message or callback_query.");
  }
  return found;
}
