import { DEFAULT_CHANNEL_ID, nextSequence, nowSeconds } from "./defaults.js";
import { commandEntities } from "./entities.js";
import type { ChatOptions, DateOptions, FactoryOptions, FromOptions } from "./options.js";
import { privateChatWith, resolveChat, resolveFrom } from "./people.js";
import type { ChannelPost, Message, MessageEntity, PrivateChat, UpdateOf } from "./types.js";
import { wrap } from "./wrap.js";

/** Options of the message factories. */
export interface MessageOptions extends FactoryOptions<Message>, FromOptions, ChatOptions, DateOptions {
  /** The text; `/commands` in it get `bot_command` entities. `null` for a message without text. @default "Hello" */
  text?: string | null;
  /** The text's entities. @default the bot commands found in the text */
  entities?: MessageEntity[];
  /** The message id. @default a number that grows with every factory call */
  messageId?: number;
  /** The message this one replies to. */
  replyTo?: Message;
}

/** Options of the edited-message factories. */
export interface EditedMessageOptions extends MessageOptions {
  /** When it was edited, Unix seconds. @default now */
  editDate?: number;
}

function buildMessage(options: MessageOptions, additions: Partial<Message> = {}): Message {
  const from = resolveFrom(options);
  const message: Message = {
    message_id: options.messageId ?? nextSequence(),
    from,
    chat: resolveChat(options, from),
    date: options.date ?? nowSeconds(),
  };
  addText(message, options);
  if (options.replyTo !== undefined)
    message.reply_to_message = options.replyTo as Message["reply_to_message"];
  return { ...message, ...additions, ...options.extra } as Message;
}

function addText(message: Message | ChannelPost, options: Pick<MessageOptions, "text" | "entities">): void {
  const text = options.text === undefined ? "Hello" : options.text;
  if (text === null) return;
  message.text = text;
  const entities = options.entities ?? commandEntities(text);
  if (entities.length > 0) message.entities = entities;
}

/** A new message: by default "Hello" from the default user in their private chat with the bot. */
export function message(options: MessageOptions = {}): UpdateOf<"message"> {
  return wrap(
    "message",
    buildMessage(options) as NonNullable<UpdateOf<"message">["message"]>,
    options.updateId,
  );
}

/** A new version of a message, with `edit_date`. */
export function editedMessage(options: EditedMessageOptions = {}): UpdateOf<"edited_message"> {
  const payload = buildMessage(options, { edit_date: options.editDate ?? nowSeconds() });
  return wrap(
    "edited_message",
    payload as NonNullable<UpdateOf<"edited_message">["edited_message"]>,
    options.updateId,
  );
}

/** Options of the channel post factories. */
export interface ChannelPostOptions extends FactoryOptions<ChannelPost>, DateOptions {
  /** The text; `null` for none. @default "Hello, channel" */
  text?: string | null;
  /** The text's entities. @default the bot commands found in the text */
  entities?: MessageEntity[];
  /** The channel id. @default -1009876543210 */
  chatId?: number;
  /** The channel title. @default "Test Channel" */
  title?: string;
  /** The message id. @default a growing number */
  messageId?: number;
  /** `author_signature`, when the channel signs posts. */
  authorSignature?: string;
}

/** Options of the edited channel post factory. */
export interface EditedChannelPostOptions extends ChannelPostOptions {
  /** When it was edited, Unix seconds. @default now */
  editDate?: number;
}

function buildChannelPost(options: ChannelPostOptions, additions: Partial<ChannelPost> = {}): ChannelPost {
  const chat = {
    id: options.chatId ?? DEFAULT_CHANNEL_ID,
    type: "channel" as const,
    title: options.title ?? "Test Channel",
  };
  const post: ChannelPost = {
    message_id: options.messageId ?? nextSequence(),
    sender_chat: chat,
    chat,
    date: options.date ?? nowSeconds(),
  };
  addText(post, {
    text: options.text === undefined ? "Hello, channel" : options.text,
    entities: options.entities,
  });
  if (options.authorSignature !== undefined) post.author_signature = options.authorSignature;
  return { ...post, ...additions, ...options.extra } as ChannelPost;
}

/** A new post in a channel the bot administers. */
export function channelPost(options: ChannelPostOptions = {}): UpdateOf<"channel_post"> {
  return wrap("channel_post", buildChannelPost(options), options.updateId);
}

/** A new version of a channel post. */
export function editedChannelPost(options: EditedChannelPostOptions = {}): UpdateOf<"edited_channel_post"> {
  const payload = buildChannelPost(options, { edit_date: options.editDate ?? nowSeconds() });
  return wrap("edited_channel_post", payload as ChannelPost & { edit_date: number }, options.updateId);
}

/** Options of the business message factories. */
export interface BusinessMessageOptions extends Omit<MessageOptions, "chatType"> {
  /** The business connection it arrived through. @default "biz-connection-1" */
  businessConnectionId?: string;
}

/** Options of the edited business message factory. */
export interface EditedBusinessMessageOptions extends BusinessMessageOptions {
  /** When it was edited, Unix seconds. @default now */
  editDate?: number;
}

function buildBusinessMessage(
  options: BusinessMessageOptions,
  additions: Partial<Message> = {},
): NonNullable<UpdateOf<"business_message">["business_message"]> {
  const from = resolveFrom({ ...options, chatType: "private" });
  const chat = { ...privateChatWith(from), id: options.chatId ?? from.id, ...options.chat } as PrivateChat;
  return buildMessage(
    { ...options, chatType: "private", fromId: from.id },
    { chat, business_connection_id: options.businessConnectionId ?? "biz-connection-1", ...additions },
  ) as NonNullable<UpdateOf<"business_message">["business_message"]>;
}

/** A message in a private chat of a business account connected to the bot. */
export function businessMessage(options: BusinessMessageOptions = {}): UpdateOf<"business_message"> {
  return wrap("business_message", buildBusinessMessage(options), options.updateId);
}

/** A new version of a business message. */
export function editedBusinessMessage(
  options: EditedBusinessMessageOptions = {},
): UpdateOf<"edited_business_message"> {
  const payload = buildBusinessMessage(options, { edit_date: options.editDate ?? nowSeconds() });
  return wrap(
    "edited_business_message",
    payload as NonNullable<UpdateOf<"edited_business_message">["edited_business_message"]>,
    options.updateId,
  );
}

/** Options of the guest message factory. */
export interface GuestMessageOptions extends MessageOptions {
  /** The guest query to answer with answerGuestQuery. @default a growing id */
  guestQueryId?: string;
}

/** A message in a chat where the bot was summoned as a guest (Bot API 10.0), with `guest_query_id`. */
export function guestMessage(options: GuestMessageOptions = {}): UpdateOf<"guest_message"> {
  const payload = buildMessage(options, {
    guest_query_id: options.guestQueryId ?? `guest-${nextSequence()}`,
  });
  return wrap(
    "guest_message",
    payload as NonNullable<UpdateOf<"guest_message">["guest_message"]>,
    options.updateId,
  );
}
