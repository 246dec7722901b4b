import type { Update } from "@telehook/core";

/**
 * Bot API object types, taken from `Update` (which `@telehook/core` re-exports from `@grammyjs/types`), so this
 * package needs no direct dependency on the type package.
 */
export type { Update };
/** A message in a non-channel chat, as in `Update.message`. */
export type Message = NonNullable<Update["message"]>;
/** A channel post, as in `Update.channel_post`. */
export type ChannelPost = NonNullable<Update["channel_post"]>;
/** A Telegram user or bot. */
export type User = CallbackQuery["from"];
/** Any chat: private, group, supergroup or channel. */
export type Chat = ChatMemberUpdated["chat"];
/** A private chat. */
export type PrivateChat = NonNullable<Update["business_message"]>["chat"];
export type CallbackQuery = NonNullable<Update["callback_query"]>;
export type InlineQuery = NonNullable<Update["inline_query"]>;
export type ChosenInlineResult = NonNullable<Update["chosen_inline_result"]>;
export type ShippingQuery = NonNullable<Update["shipping_query"]>;
export type ShippingAddress = ShippingQuery["shipping_address"];
export type PreCheckoutQuery = NonNullable<Update["pre_checkout_query"]>;
export type PaidMediaPurchased = NonNullable<Update["purchased_paid_media"]>;
export type Poll = NonNullable<Update["poll"]>;
export type PollAnswer = NonNullable<Update["poll_answer"]>;
export type ChatMemberUpdated = NonNullable<Update["chat_member"]>;
export type ChatMember = ChatMemberUpdated["new_chat_member"];
export type ChatJoinRequest = NonNullable<Update["chat_join_request"]>;
export type ChatBoostUpdated = NonNullable<Update["chat_boost"]>;
export type ChatBoostRemoved = NonNullable<Update["removed_chat_boost"]>;
export type ChatBoostSource = ChatBoostRemoved["source"];
export type MessageReactionUpdated = NonNullable<Update["message_reaction"]>;
export type MessageReactionCountUpdated = NonNullable<Update["message_reaction_count"]>;
export type ReactionType = MessageReactionUpdated["new_reaction"][number];
export type BusinessConnection = NonNullable<Update["business_connection"]>;
export type BusinessMessagesDeleted = NonNullable<Update["deleted_business_messages"]>;
export type ManagedBotUpdated = NonNullable<Update["managed_bot"]>;
export type WidgetQuery = NonNullable<Update["widget_query"]>;
export type SharedWidgetQuery = NonNullable<Update["shared_widget_query"]>;
export type WidgetQueryType = WidgetQuery["type"];
export type MessageEntity = NonNullable<Message["entities"]>[number];

/** An update before the emulator gives it an `update_id`: exactly one type key, `update_id` optional. */
export type UpdateInit = Omit<Update, "update_id"> & {
  /** The update's id; when left out, the emulator gives the next one in its sequence. */
  update_id?: number;
};

/** An update of one type without its `update_id`, as the factories return it. */
export type UpdateOf<K extends Exclude<keyof Update, "update_id">> = {
  [P in K]-?: NonNullable<Update[P]>;
} & {
  /** Left out by the factories: the emulator (or `wrap`) numbers the update when it is queued. */
  update_id?: number;
};
