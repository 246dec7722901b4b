/**
 * `@telehook/testing`: test a Telegram webhook bot offline, the way Telegram will treat it.
 * - `createTelegramEmulator()`: a local Bot API server that delivers updates to your webhook over real HTTP.
 * - update factories for every update type.
 *
 * The adapter conformance suite, which needs vitest, is a separate entry: `@telehook/testing/conformance`.
 *
 * @packageDocumentation
 */

export { webhookBody } from "./emulator/ascii-json.js";
export { type BackoffState, nextRetryDelaySeconds, parseRetryAfter } from "./emulator/backoff.js";
export {
  BOT_TOKEN_PATTERN,
  type BoostOptions,
  BotApiError,
  type BotInfo,
  type BusinessConnectionOptions,
  type BusinessMessageOptions,
  type CallbackQueryOptions,
  type CallParams,
  type CallSource,
  type ChannelPostOptions,
  type ChatBoostOptions,
  type ChatInfo,
  type ChatJoinRequestOptions,
  type ChatMemberOptions,
  type ChatMessage,
  type ChatOptions,
  type ChosenInlineResultOptions,
  chatMemberOf,
  commandEntities,
  createScaledClock,
  createTelegramEmulator,
  type DateOptions,
  DEFAULT_BOT,
  DEFAULT_BOT_TOKEN,
  DEFAULT_CHANNEL_ID,
  DEFAULT_GROUP_ID,
  DEFAULT_USER,
  type DeletedBusinessMessagesOptions,
  type DeliveryRecord,
  type DropReason,
  type EditedBusinessMessageOptions,
  type EditedChannelPostOptions,
  type EditedMessageOptions,
  type EmulatedBotHandle,
  type EmulatorClock,
  type FactoryOptions,
  type FloodLimitOptions,
  type FromOptions,
  type GuestMessageOptions,
  type InlineQueryOptions,
  type ManagedBotOptions,
  type MemberStatus,
  type MessageOptions,
  type MessageReactionCountOptions,
  type MessageReactionOptions,
  type MethodHandler,
  makeUser,
  type OtherChatMemberOptions,
  type PollAnswerOptions,
  type PollOptions,
  type PreCheckoutQueryOptions,
  type PurchasedPaidMediaOptions,
  type RecordedCall,
  type RemovedChatBoostOptions,
  type ResponseParameters,
  type SharedWidgetQueryOptions,
  type ShippingQueryOptions,
  type TelegramEmulator,
  type TelegramEmulatorOptions,
  type UpdateInit,
  type UpdateOf,
  type UploadedFile,
  updates,
  type WaitForCallOptions,
  type WaitForIdleOptions,
  type WebhookInfo,
  type WidgetQueryOptions,
} from "./emulator/index.js";
export { isIgnoredReplyMethod } from "./emulator/recorded-call.js";
export { type LoopbackServer, listenOnLoopback } from "./helpers/listen-on-loopback.js";
export { type RecordedWebhook, recordUpdates } from "./helpers/record-updates.js";
