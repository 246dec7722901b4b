import type { Chat, Update as UpdateUpTo103, User } from "@grammyjs/types";
import type { WebhookReply } from "./delivery/webhook-reply.js";

/**
 * What a widget asked: `"data"` (data for the bot, possibly with the user's TON wallet card),
 * `"sign_data"` or `"sent_transaction"` (with wallet fields). Bot API 10.4.
 */
export interface WidgetQueryType {
  /** The kind of query; a kind newer than this version is kept as its string. */
  readonly type: "data" | "sign_data" | "sent_transaction" | (string & {});
  /** The fields that come with the kind (wallet fields and the like), kept as Telegram sent them. */
  readonly [field: string]: unknown;
}

/**
 * A query from a widget in a message sent by or via the bot (Bot API 10.4). `chat` and `message_id` are set
 * for a widget in a chat message; `inline_message_id` and `chat_type` for one in an inline message. Answer
 * with `answerWidgetQuery` within 15 seconds.
 */
export interface WidgetQuery {
  /** The query's id, to pass to `answerWidgetQuery`. */
  readonly id: string;
  /** The user who used the widget. */
  readonly from: User;
  /** A global id of the chat the widget's message is in, the same for every user there. */
  readonly chat_instance: string;
  /** What the widget asked, with its fields. */
  readonly type: WidgetQueryType;
  /** Data sent by the widget; a client can send anything here. */
  readonly data: string;
  /** The chat of the widget's message, for a widget in a chat message. */
  readonly chat?: Chat;
  /** The id of the widget's message in `chat`. */
  readonly message_id?: number;
  /** The id of the inline message holding the widget, for a widget in an inline message. */
  readonly inline_message_id?: string;
  /** The type of the chat an inline message's widget was used in. */
  readonly chat_type?: string;
  /** Set when the widget is a shared one. */
  readonly widget_id?: string;
}

/**
 * A query from a forwarded message holding a shared widget (Bot API 10.4): it has no chat. Answer with
 * `answerWidgetQuery` within 15 seconds.
 */
export interface SharedWidgetQuery {
  /** The query's id, to pass to `answerWidgetQuery`. */
  readonly id: string;
  /** The user who used the widget. */
  readonly from: User;
  /** What the widget asked, with its fields. */
  readonly type: WidgetQueryType;
  /** Data sent by the widget; a client can send anything here. */
  readonly data: string;
  /** The shared widget's id. */
  readonly widget_id: string;
}

/**
 * An update as Telegram sends it: `@grammyjs/types`' `Update` (Bot API 10.3) plus the update types of Bot API
 * 10.4. (10.5's `callback_query` with `inline_message_id` and no `message` is already allowed by its type.)
 */
export interface Update extends UpdateUpTo103 {
  /** Optional. A query from a widget in a message sent by or via the bot. Bot API 10.4. */
  widget_query?: WidgetQuery;
  /** Optional. A query from a forwarded shared widget. Bot API 10.4. */
  shared_widget_query?: SharedWidgetQuery;
}

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
  // Bot API 10.4; the server's source for them has not been read, so their position is a guess.
  "widget_query",
  "shared_widget_query",
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

/** What `onUpdate` gets beside the update. */
export interface UpdateContext {
  /** The update's type key, such as `"message"` or `"callback_query"`. */
  readonly updateType: UpdateType;
}

/** Handles one update; with `webhookReply: true` it may return a Bot API call to send as the reply. */
export type UpdateHandler = (
  update: Update,
  context: UpdateContext,
) => // biome-ignore lint/suspicious/noConfusingVoidType: `void` lets a handler such as grammY's `bot.handleUpdate`, which returns Promise<void>, be passed as it is.
WebhookReply | undefined | void | Promise<WebhookReply | undefined | void>;
