import type { Chat, User } from "./types.js";

/** Options every factory takes. */
export interface FactoryOptions<Payload> {
  /** The update_id to put on the update. @default none: the emulator assigns the next one */
  updateId?: number;
  /** Fields merged over the generated object last, for anything the other options do not cover. */
  extra?: Partial<Payload>;
}

/** Who did it. */
export interface FromOptions {
  /** The user's id; other fields get defaults. @default the chat id in a private chat, else 100000001 */
  fromId?: number;
  /** Fields of the user to set, merged over the default user. */
  from?: Partial<User>;
}

/** Where it happened. */
export interface ChatOptions {
  /**
   * The chat id. A positive id is the private chat with that user; `-100…` a supergroup; another negative
   * id a basic group.
   * @default the private chat with the user
   */
  chatId?: number;
  /** The chat type, when the id alone does not say it. */
  chatType?: "private" | "group" | "supergroup";
  /** Fields of the chat to set, merged over the generated chat. */
  chat?: Partial<Chat>;
}

/** When it happened. */
export interface DateOptions {
  /** Unix time in seconds. @default now */
  date?: number;
}
