/** A chat the bot knows, as the server would describe it in a Message. */
export type ChatInfo = Record<string, unknown> & {
  /** The chat's id: positive for private chats, negative for groups and channels. */
  readonly id: number;
  /** `"private"`, `"group"`, `"supergroup"` or `"channel"`, once known. */
  readonly type?: string;
};

/** A message the emulator knows to exist: seen in an update, or sent by the bot. */
export interface ChatMessage {
  /** The message's id within its chat. */
  readonly message_id: number;
  /** The chat it is in. */
  readonly chat: ChatInfo;
  /** Unix time it was sent, on the emulator's clock. */
  readonly date: number;
  /** Who sent it, as a Bot API `User`. */
  readonly from?: Record<string, unknown>;
  /** Its text, as last edited. */
  text?: string;
  /** The caption of a media message, as last edited. */
  caption?: string;
  /** Its inline keyboard, as last edited. */
  reply_markup?: Record<string, unknown>;
  /** Unix time of its last edit. */
  edit_date?: number;
  /** Set once the message was deleted. */
  deleted?: boolean;
  /** Any other field of the Bot API's `Message`, as the bot sent it. */
  [field: string]: unknown;
}

/** A scripted flood limit: the next `calls` matching calls get `429 Too Many Requests`. */
export interface FloodScript {
  /** The `retry_after` the 429 carries, in whole seconds. */
  readonly retryAfter: number;
  /** The lower-cased method name it applies to; undefined for every method. */
  readonly method: string | undefined;
  /** The chat it applies to; undefined for every chat. */
  readonly chatId: number | undefined;
  /** How many more matching calls get the 429; the script is dropped when it reaches 0. */
  remaining: number;
}

/**
 * What one bot knows about chats, like the server's chat cache: the chats and users its updates mentioned,
 * the messages in them, the callback queries it may answer, who blocked it, and scripted flood limits.
 */
export class ChatState {
  readonly chats = new Map<number, ChatInfo>();
  readonly #messages = new Map<number, Map<number, ChatMessage>>();
  readonly #lastMessageId = new Map<number, number>();
  readonly callbackQueries = new Set<string>();
  readonly blockedBy = new Set<number>();
  readonly floods: FloodScript[] = [];
  readonly commands = new Map<string, unknown[]>();
  #files = 0;

  /** A number for the next file the bot sends. */
  nextFileNumber(): number {
    return ++this.#files;
  }

  /** Learns the chats, users, messages and callback queries an update carries. */
  learn(payload: unknown): void {
    this.#walk(payload, 0);
  }

  /** The next message id in a chat: one more than any id seen or sent there. */
  nextMessageId(chatId: number): number {
    const next = (this.#lastMessageId.get(chatId) ?? 0) + 1;
    this.#lastMessageId.set(chatId, next);
    return next;
  }

  /** Stores a message, sent by the bot or seen in an update. */
  remember(message: ChatMessage): void {
    const chatId = message.chat.id;
    let messages = this.#messages.get(chatId);
    if (messages === undefined) {
      messages = new Map();
      this.#messages.set(chatId, messages);
    }
    const existing = messages.get(message.message_id);
    if (existing === undefined || !existing.deleted) messages.set(message.message_id, message);
    if (message.message_id > (this.#lastMessageId.get(chatId) ?? 0)) {
      this.#lastMessageId.set(chatId, message.message_id);
    }
  }

  /** A message that exists and was not deleted. */
  message(chatId: number, messageId: number): ChatMessage | undefined {
    const message = this.#messages.get(chatId)?.get(messageId);
    return message === undefined || message.deleted ? undefined : message;
  }

  /** Every message of a chat in id order, deleted ones included (flagged). */
  messages(chatId: number): ChatMessage[] {
    return [...(this.#messages.get(chatId)?.values() ?? [])].sort((a, b) => a.message_id - b.message_id);
  }

  /** The first scripted flood limit that matches, used up by one call. */
  takeFlood(method: string, chatId: number | undefined): FloodScript | undefined {
    const index = this.floods.findIndex(
      (flood) =>
        (flood.method === undefined || flood.method === method) &&
        (flood.chatId === undefined || flood.chatId === chatId),
    );
    const flood = this.floods[index];
    if (flood === undefined) return undefined;
    flood.remaining--;
    if (flood.remaining <= 0) this.floods.splice(index, 1);
    return flood;
  }

  #walk(value: unknown, depth: number): void {
    if (depth > 8 || typeof value !== "object" || value === null) return;
    if (Array.isArray(value)) {
      for (const item of value) this.#walk(item, depth + 1);
      return;
    }
    const record = value as Record<string, unknown>;
    const chat = asChat(record.chat);
    if (chat !== undefined) {
      this.chats.set(chat.id, { ...this.chats.get(chat.id), ...chat });
      if (typeof record.message_id === "number" && typeof record.date === "number") {
        this.remember({ ...(record as object), chat } as ChatMessage);
      }
    }
    for (const key of ["from", "user"]) {
      const user = record[key] as Record<string, unknown> | undefined;
      if (typeof user?.id === "number" && user.id > 0 && user.is_bot !== true && !this.chats.has(user.id)) {
        this.chats.set(user.id, {
          id: user.id,
          type: "private",
          first_name: typeof user.first_name === "string" ? user.first_name : "User",
          ...(typeof user.username === "string" ? { username: user.username } : {}),
        });
      }
    }
    if (typeof record.id === "string" && typeof record.chat_instance === "string") {
      this.callbackQueries.add(record.id);
    }
    for (const [key, child] of Object.entries(record)) {
      if (key !== "chat" && typeof child === "object") this.#walk(child, depth + 1);
    }
  }
}

function asChat(value: unknown): ChatInfo | undefined {
  if (typeof value !== "object" || value === null) return undefined;
  const id = (value as { id?: unknown }).id;
  return typeof id === "number" ? (value as ChatInfo) : undefined;
}
