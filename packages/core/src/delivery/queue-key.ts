import type { Update } from "../update.js";

type Id = number | string | undefined;
interface HasId {
  id?: Id;
}
interface Keyed {
  chat?: HasId;
  from?: HasId;
  user?: HasId;
  poll_id?: string;
  new_chat_member?: { user?: HasId };
}

type KeySource = readonly [tag: string, pick: (payload: Keyed & HasId) => Id];

/**
 * Which id of an update's payload Telegram queues it by, and a tag that keeps kinds apart. A Map, not an
 * object: a lookup by a name that came from the request needs no own-property check.
 */
const KEY_SOURCES = new Map<string, KeySource>(
  Object.entries({
    message: ["chat", (p) => p.chat?.id],
    edited_message: ["chat", (p) => p.chat?.id],
    channel_post: ["chat", (p) => p.chat?.id],
    edited_channel_post: ["chat", (p) => p.chat?.id],
    business_message: ["business", (p) => p.chat?.id],
    edited_business_message: ["business", (p) => p.chat?.id],
    deleted_business_messages: ["business", (p) => p.chat?.id],
    guest_message: ["guest", (p) => p.chat?.id],
    inline_query: ["inline", (p) => p.from?.id],
    chosen_inline_result: ["chosen", (p) => p.from?.id],
    callback_query: ["callback", (p) => p.from?.id],
    shipping_query: ["payment", (p) => p.from?.id],
    pre_checkout_query: ["payment", (p) => p.from?.id],
    my_chat_member: ["my_member", (p) => p.chat?.id],
    chat_member: ["member", (p) => p.new_chat_member?.user?.id ?? p.from?.id],
    chat_join_request: ["member", (p) => p.from?.id],
    chat_boost: ["boost", (p) => p.chat?.id],
    removed_chat_boost: ["boost", (p) => p.chat?.id],
    message_reaction: ["reaction", (p) => p.chat?.id],
    message_reaction_count: ["reaction_count", (p) => p.chat?.id],
    business_connection: ["business_connection", (p) => p.user?.id],
    purchased_paid_media: ["paid_media", (p) => p.from?.id],
    managed_bot: ["managed_bot", (p) => p.user?.id],
    poll: ["poll", (p) => p.id],
    poll_answer: ["poll", (p) => p.poll_id],
    shared_widget_query: ["shared_widget", (p) => p.from?.id],
  } satisfies Record<string, KeySource>),
);

/**
 * Keys that depend on more than one field. A widget query (answered within 15 s) is queued by its chat, in
 * its own namespace so that it never waits behind the chat's messages; a widget in an inline message has no
 * chat, and then it is queued by its user.
 */
const COMPOSITE_KEYS = new Map<string, (payload: Keyed & HasId) => string | undefined>([
  [
    "widget_query",
    (p) =>
      p.chat?.id !== undefined
        ? `widget:${p.chat.id}`
        : p.from?.id !== undefined
          ? `widget_user:${p.from.id}`
          : undefined,
  ],
]);

/**
 * The key Telegram serialises an update by: one update of a key is in flight at a time, so telehook keeps
 * the same order locally. Messages are keyed by chat, queries by user, polls by poll, widget queries by chat
 * (their own namespace) or else by user. Time-limited updates (payments, callback and widget queries) never
 * share a key with a chat's messages. An update type that is not known, or lacks the id, has no key and is
 * never held back.
 */
export function queueKeyOf(update: Update, updateType: string): string | undefined {
  const source = KEY_SOURCES.get(updateType);
  const composite = source ? undefined : COMPOSITE_KEYS.get(updateType);
  if (!source && !composite) return undefined;
  const payload = (update as unknown as Record<string, unknown>)[updateType];
  if (typeof payload !== "object" || payload === null) return undefined;
  if (composite) return composite(payload as Keyed & HasId);
  if (!source) return undefined;
  const id = source[1](payload as Keyed & HasId);
  return id === undefined ? undefined : `${source[0]}:${id}`;
}
