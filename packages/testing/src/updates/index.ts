import { chatBoost, removedChatBoost } from "./boosts.js";
import { businessConnection, deletedBusinessMessages } from "./business.js";
import { managedBot } from "./managed-bot.js";
import { chatJoinRequest, chatMember, myChatMember } from "./members.js";
import {
  businessMessage,
  channelPost,
  editedBusinessMessage,
  editedChannelPost,
  editedMessage,
  guestMessage,
  message,
} from "./messages.js";
import { purchasedPaidMedia } from "./paid-media.js";
import { poll, pollAnswer } from "./polls.js";
import {
  callbackQuery,
  chosenInlineResult,
  inlineQuery,
  preCheckoutQuery,
  shippingQuery,
} from "./queries.js";
import { messageReaction, messageReactionCount } from "./reactions.js";
import { sharedWidgetQuery, widgetQuery } from "./widgets.js";

/**
 * Update factories, one for every update type of Bot API 10.5. Each takes an options object with sensible
 * defaults (the default user in their private chat with the bot, dates of now) and returns the update without
 * an `update_id`, which the emulator assigns; pass `updateId` to set one.
 *
 * @example
 * emulator.sendUpdate(updates.message({ text: "/start", chatId: 42 }));
 * emulator.sendUpdate(updates.callbackQuery({ data: "yes", fromId: 42 }));
 */
export const updates = {
  /** A new message: by default "Hello" from the default user in their private chat with the bot. */
  message,
  /** A new version of a message, with `edit_date`. */
  editedMessage,
  /** A new post in a channel the bot administers. */
  channelPost,
  /** A new version of a channel post. */
  editedChannelPost,
  /** A business account connected the bot, changed the connection or disconnected it. */
  businessConnection,
  /** A message in a private chat of a business account connected to the bot. */
  businessMessage,
  /** A new version of a business message. */
  editedBusinessMessage,
  /** Messages were deleted in a chat of a connected business account. */
  deletedBusinessMessages,
  /** A user changed their reaction to a message (only delivered when allowed_updates lists message_reaction). By default they put 👍 on a message in their private chat. */
  messageReaction,
  /** The anonymous reaction counts on a message changed (channels; must be listed in allowed_updates). */
  messageReactionCount,
  /** An inline query: a user typing `@bot query` in a chat. */
  inlineQuery,
  /** The inline result a user chose and sent. */
  chosenInlineResult,
  /** A press of an inline keyboard button; by default on a bot message in the user's private chat. */
  callbackQuery,
  /** A shipping query for an invoice with a flexible price. */
  shippingQuery,
  /** The final confirmation before a payment; answer with answerPreCheckoutQuery within 10 s. */
  preCheckoutQuery,
  /** A user bought paid media with a payload the bot sent. */
  purchasedPaidMedia,
  /** A new state of a poll the bot sent. */
  poll,
  /** A user voted (or changed the vote) in a non-anonymous poll the bot sent. */
  pollAnswer,
  /** The bot's own membership changed. By default the user blocked the bot in their private chat (member → kicked); pass a group `chatId` and statuses for "added to a group". */
  myChatMember,
  /** Another member's status changed in a chat the bot administers (only delivered when allowed_updates lists chat_member). By default the user joined the default supergroup (left → member). */
  chatMember,
  /** A user asked to join a chat where the bot can approve members. */
  chatJoinRequest,
  /** A chat was boosted (or a boost changed); the bot must be an administrator. */
  chatBoost,
  /** A boost was removed from a chat. */
  removedChatBoost,
  /** A bot managed by this bot was created, or its token or owner changed (Bot API 9.6). */
  managedBot,
  /** A message in a chat where the bot was summoned as a guest (Bot API 10.0), with `guest_query_id`. */
  guestMessage,
  /** A query from a widget in a message sent by or via the bot (Bot API 10.4); by default in the user's private chat. Answer with answerWidgetQuery within 15 s. */
  widgetQuery,
  /** A query from a forwarded message holding a shared widget (Bot API 10.4): it has no chat. Answer with answerWidgetQuery within 15 s. */
  sharedWidgetQuery,
} as const;

export type { BoostOptions, ChatBoostOptions, RemovedChatBoostOptions } from "./boosts.js";
export type { BusinessConnectionOptions, DeletedBusinessMessagesOptions } from "./business.js";
export { DEFAULT_BOT, DEFAULT_CHANNEL_ID, DEFAULT_GROUP_ID, DEFAULT_USER } from "./defaults.js";
export { commandEntities } from "./entities.js";
export type { ManagedBotOptions } from "./managed-bot.js";
export {
  type ChatJoinRequestOptions,
  type ChatMemberOptions,
  chatMemberOf,
  type MemberStatus,
  type OtherChatMemberOptions,
} from "./members.js";
export type {
  BusinessMessageOptions,
  ChannelPostOptions,
  EditedBusinessMessageOptions,
  EditedChannelPostOptions,
  EditedMessageOptions,
  GuestMessageOptions,
  MessageOptions,
} from "./messages.js";
export type { ChatOptions, DateOptions, FactoryOptions, FromOptions } from "./options.js";
export type { PurchasedPaidMediaOptions } from "./paid-media.js";
export { makeUser } from "./people.js";
export type { PollAnswerOptions, PollOptions } from "./polls.js";
export type {
  CallbackQueryOptions,
  ChosenInlineResultOptions,
  InlineQueryOptions,
  PreCheckoutQueryOptions,
  ShippingQueryOptions,
} from "./queries.js";
export type { MessageReactionCountOptions, MessageReactionOptions } from "./reactions.js";
export type { UpdateInit, UpdateOf } from "./types.js";
export type { SharedWidgetQueryOptions, WidgetQueryOptions } from "./widgets.js";
