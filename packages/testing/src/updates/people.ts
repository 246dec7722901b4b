import { DEFAULT_GROUP_ID, DEFAULT_USER } from "./defaults.js";
import type { ChatOptions, FromOptions } from "./options.js";
import type { Chat, PrivateChat, User } from "./types.js";

/** A user: the default user, or a plain one for another id; `overrides` merged last. */
export function makeUser(id: number = DEFAULT_USER.id, overrides: Partial<User> = {}): User {
  const base: User =
    id === DEFAULT_USER.id
      ? { ...DEFAULT_USER }
      : { id, is_bot: false, first_name: "User", last_name: String(id), username: `user_${Math.abs(id)}` };
  return { ...base, ...overrides, id: overrides.id ?? id };
}

/** The user an update comes from: `fromId`/`from`, else the private chat's user, else the default user. */
export function resolveFrom(options: FromOptions & { chatId?: number; chatType?: string }): User {
  const privateChatId =
    options.chatId !== undefined && options.chatId > 0 && (options.chatType ?? "private") === "private"
      ? options.chatId
      : undefined;
  const id = options.from?.id ?? options.fromId ?? privateChatId ?? DEFAULT_USER.id;
  return makeUser(id, options.from);
}

/** The private chat with a user. */
export function privateChatWith(user: User): PrivateChat {
  const chat: PrivateChat = { id: user.id, type: "private", first_name: user.first_name };
  if (user.last_name !== undefined) chat.last_name = user.last_name;
  if (user.username !== undefined) chat.username = user.username;
  return chat;
}

/** A non-channel chat from the options, for a message from `user`. */
export function resolveChat(options: ChatOptions, user: User): Exclude<Chat, { type: "channel" }> {
  const id = options.chatId;
  const type =
    options.chatType ??
    (id === undefined || id > 0 ? "private" : id <= -1_000_000_000_000 ? "supergroup" : "group");
  let chat: Exclude<Chat, { type: "channel" }>;
  if (type === "private") chat = { ...privateChatWith(user), id: id ?? user.id };
  else if (type === "group") chat = { id: id ?? -4_000_000_001, type: "group", title: "Test Group" };
  else chat = { id: id ?? DEFAULT_GROUP_ID, type: "supergroup", title: "Test Supergroup" };
  return { ...chat, ...options.chat } as Exclude<Chat, { type: "channel" }>;
}
