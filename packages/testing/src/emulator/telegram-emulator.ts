import type { Update, UpdateInit } from "../updates/types.js";
import type { BotInfo } from "./bot-profile.js";
import type { ChatInfo, ChatMessage } from "./chat-state.js";
import type { EmulatorClock } from "./clock.js";
import type { DeliveryRecord } from "./delivery-record.js";
import type { MethodHandler } from "./emulated-bot.js";
import type { RecordedCall } from "./recorded-call.js";
import type { WebhookInfo } from "./webhook-info.js";

/** Options of `waitForCall`. */
export interface WaitForCallOptions {
  /** Only calls for which this returns true. */
  where?: (call: RecordedCall) => boolean;
  /**
   * Only calls at this index of the call log or later. Pass `emulator.calls.length` to wait for a new call.
   * @default 0 (a matching call made earlier resolves at once)
   */
  since?: number;
  /** Real milliseconds before the promise rejects. @default 5000 */
  timeoutMs?: number;
}

/** Options of `waitForIdle`. */
export interface WaitForIdleOptions {
  /** Real milliseconds before the promise rejects, naming what is still pending. @default 10000 */
  timeoutMs?: number;
}

/** Options of `floodLimit`. */
export interface FloodLimitOptions {
  /** The `retry_after` (seconds) of the 429 replies, also sent as the `Retry-After` header. */
  retryAfter: number;
  /** Only calls of this method (any case). @default every method but the webhook and getUpdates ones */
  method?: string;
  /** Only calls whose `chat_id` is this. @default any chat */
  chatId?: number;
  /** How many matching calls fail. @default 1 */
  calls?: number;
}

/** One bot of the emulator: what it was sent, what it did, and how its updates were delivered. */
export interface EmulatedBotHandle {
  /** The bot's token. */
  readonly token: string;
  /** What getMe returns for it. */
  readonly botInfo: BotInfo;
  /**
   * Queues an update as Telegram would create it, and returns it with its `update_id` (the next in sequence
   * unless one is given). It is delivered to the webhook if one is set, or kept for getUpdates. An update
   * the bot's allowed_updates exclude is never queued: it is added to `filteredUpdates` with update_id 0.
   * Neither is one the server would refuse (older than its lifetime, over 512 KiB, or beyond 100 000
   * pending): it comes back with update_id 0 and a `dropped` entry in `deliveries`.
   * Throws a TypeError unless the object has exactly one type key besides update_id.
   */
  sendUpdate(update: UpdateInit): Update;
  /** `sendUpdate` for each update, in order. */
  sendUpdates(updates: readonly UpdateInit[]): Update[];
  /** Every Bot API call received, in order, with its parameters and reply. */
  readonly calls: readonly RecordedCall[];
  /** The calls of one method, matched ignoring case as the server does. */
  callsTo(method: string): RecordedCall[];
  /** The calls that act on chats: all but get*, setWebhook, deleteWebhook, logOut and close. */
  readonly sent: readonly RecordedCall[];
  /** How many setWebhook calls arrived, including ones refused with 429. */
  readonly setWebhookCalls: number;
  /** Every delivery attempt and drop, in the order they ended. */
  readonly deliveries: readonly DeliveryRecord[];
  /** Updates never queued because of allowed_updates. */
  readonly filteredUpdates: readonly Update[];
  /** What getWebhookInfo would return now (not recorded as a call). */
  webhookInfo(): WebhookInfo;
  /** Resolves with the first call of `method` matching the options. */
  waitForCall(method: string, options?: WaitForCallOptions): Promise<RecordedCall>;
  /** Calls `listener` for every Bot API call as it arrives. Returns an unsubscribe function. */
  onCall(listener: (call: RecordedCall) => void): () => void;
  /** Calls `listener` for every delivery record as it is made. Returns an unsubscribe function. */
  onDelivery(listener: (record: DeliveryRecord) => void): () => void;
  /**
   * The chats the bot knows: every chat and user its updates mentioned. Sending to any other chat fails
   * with `400 Bad Request: chat not found`, as it does for a chat the real bot never saw.
   */
  readonly chats: readonly ChatInfo[];
  /** The messages of a chat in id order: seen in updates or sent by the bot, with edits applied. */
  chatMessages(chatId: number): readonly ChatMessage[];
  /**
   * Scripts a user blocking the bot (or, with `false`, unblocking it): sends to their private chat fail
   * with `403 Forbidden: bot was blocked by the user`.
   */
  setBlocked(userId: number, blocked?: boolean): void;
  /** Scripts a flood limit: the next matching calls fail with `429 Too Many Requests: retry after N`. */
  floodLimit(options: FloodLimitOptions): void;
}

/**
 * A local Bot API server that delivers updates to webhooks over real HTTP with Telegram's semantics. Its own
 * members act on the default bot (`emulator.token`); `emulator.bot(token)` reaches any other.
 */
export interface TelegramEmulator extends EmulatedBotHandle {
  /** The API root for clients, e.g. `http://127.0.0.1:40123` (requests go to `/bot<token>/<method>`). */
  readonly apiRoot: string;
  /** The emulator's clock; `clock.toRealMs()` turns emulated durations into real ones. */
  readonly clock: EmulatorClock;
  /** The bot a token belongs to. Throws if the token is not accepted. */
  bot(token: string): EmulatedBotHandle;
  /**
   * Answers `method` (any bot, any case) with `handler` instead of the default result; `undefined` removes it.
   * setWebhook, deleteWebhook, getWebhookInfo and getUpdates cannot be replaced.
   */
  onMethod(method: string, handler: MethodHandler | undefined): void;
  /** Resolves when every bot has delivered or dropped all its updates and no API call is being answered. */
  waitForIdle(options?: WaitForIdleOptions): Promise<void>;
  /** Stops delivery, cuts open connections and closes the server. */
  close(): Promise<void>;
}
