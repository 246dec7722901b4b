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
  message,
  editedMessage,
  channelPost,
  editedChannelPost,
  businessConnection,
  businessMessage,
  editedBusinessMessage,
  deletedBusinessMessages,
  messageReaction,
  messageReactionCount,
  inlineQuery,
  chosenInlineResult,
  callbackQuery,
  shippingQuery,
  preCheckoutQuery,
  purchasedPaidMedia,
  poll,
  pollAnswer,
  myChatMember,
  chatMember,
  chatJoinRequest,
  chatBoost,
  removedChatBoost,
  managedBot,
  guestMessage,
  widgetQuery,
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
