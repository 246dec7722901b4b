import { DEFAULT_BOT, DEFAULT_GROUP_ID, nowSeconds } from "./defaults.js";
import type { ChatOptions, DateOptions, FactoryOptions, FromOptions } from "./options.js";
import { makeUser, resolveChat, resolveFrom } from "./people.js";
import type { ChatJoinRequest, ChatMember, ChatMemberUpdated, UpdateOf, User } from "./types.js";
import { wrap } from "./wrap.js";

/** A chat member's status. */
export type MemberStatus = ChatMember["status"];

/** A complete ChatMember of the given status, with plain rights. */
export function chatMemberOf(status: MemberStatus, user: User): ChatMember {
  switch (status) {
    case "creator":
      return { status, user, is_anonymous: false };
    case "administrator":
      return {
        status,
        user,
        can_be_edited: false,
        is_anonymous: false,
        can_manage_chat: true,
        can_delete_messages: true,
        can_manage_video_chats: true,
        can_restrict_members: true,
        can_promote_members: false,
        can_change_info: true,
        can_invite_users: true,
        can_post_stories: false,
        can_edit_stories: false,
        can_delete_stories: false,
        can_pin_messages: true,
        can_send_welcome_messages: false,
      };
    case "restricted":
      return {
        status,
        user,
        is_member: true,
        can_send_messages: false,
        can_send_audios: false,
        can_send_documents: false,
        can_send_photos: false,
        can_send_videos: false,
        can_send_video_notes: false,
        can_send_voice_notes: false,
        can_send_polls: false,
        can_send_other_messages: false,
        can_add_web_page_previews: false,
        can_react_to_messages: false,
        can_change_info: false,
        can_invite_users: false,
        can_edit_tag: false,
        can_pin_messages: false,
        can_manage_topics: false,
        until_date: 0,
      };
    case "kicked":
      return { status, user, until_date: 0 };
    default:
      return { status, user };
  }
}

/** Options of `updates.myChatMember()` and `updates.chatMember()`. */
export interface ChatMemberOptions
  extends FactoryOptions<ChatMemberUpdated>,
    FromOptions,
    ChatOptions,
    DateOptions {
  /** The status before. */
  oldStatus?: MemberStatus;
  /** The status after. */
  newStatus?: MemberStatus;
}

function memberUpdate(
  options: ChatMemberOptions,
  member: User,
  defaults: { old: MemberStatus; new: MemberStatus },
): ChatMemberUpdated {
  const from = resolveFrom(options);
  const payload: ChatMemberUpdated = {
    chat: resolveChat(options, from),
    from,
    date: options.date ?? nowSeconds(),
    old_chat_member: chatMemberOf(options.oldStatus ?? defaults.old, member),
    new_chat_member: chatMemberOf(options.newStatus ?? defaults.new, member),
  };
  return { ...payload, ...options.extra };
}

/**
 * The bot's own membership changed. By default the user blocked the bot in their private chat
 * (member → kicked); pass a group `chatId` and statuses for "added to a group".
 */
export function myChatMember(options: ChatMemberOptions = {}): UpdateOf<"my_chat_member"> {
  const payload = memberUpdate(options, { ...DEFAULT_BOT }, { old: "member", new: "kicked" });
  return wrap("my_chat_member", payload, options.updateId);
}

/** Options of `updates.chatMember()`. */
export interface OtherChatMemberOptions extends ChatMemberOptions {
  /** The member whose status changed. @default the user who acted (`from`) */
  member?: Partial<User>;
}

/**
 * Another member's status changed in a chat the bot administers (only delivered when allowed_updates lists
 * chat_member). By default the user joined the default supergroup (left → member).
 */
export function chatMember(options: OtherChatMemberOptions = {}): UpdateOf<"chat_member"> {
  const inGroup = {
    ...options,
    chatType: options.chatType ?? (options.chatId === undefined ? "supergroup" : undefined),
  };
  const from = resolveFrom(inGroup);
  const member = options.member === undefined ? from : makeUser(options.member.id ?? from.id, options.member);
  const payload = memberUpdate(inGroup, member, { old: "left", new: "member" });
  return wrap("chat_member", payload, options.updateId);
}

/** Options of `updates.chatJoinRequest()`. */
export interface ChatJoinRequestOptions extends FactoryOptions<ChatJoinRequest>, FromOptions, DateOptions {
  /** The supergroup or channel id. @default -1001234567890 */
  chatId?: number;
  /** Whether the chat is a channel. @default false */
  channel?: boolean;
  /** The user's bio. */
  bio?: string;
}

/** A user asked to join a chat where the bot can approve members. */
export function chatJoinRequest(options: ChatJoinRequestOptions = {}): UpdateOf<"chat_join_request"> {
  const from = resolveFrom(options);
  const id = options.chatId ?? DEFAULT_GROUP_ID;
  const chat: ChatJoinRequest["chat"] = options.channel
    ? { id, type: "channel", title: "Test Channel" }
    : { id, type: "supergroup", title: "Test Supergroup" };
  const payload: ChatJoinRequest = {
    chat,
    from,
    user_chat_id: from.id,
    date: options.date ?? nowSeconds(),
  };
  if (options.bio !== undefined) payload.bio = options.bio;
  return wrap("chat_join_request", { ...payload, ...options.extra }, options.updateId);
}
