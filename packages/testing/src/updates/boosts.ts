import { DEFAULT_GROUP_ID, nextSequence, nowSeconds } from "./defaults.js";
import type { FactoryOptions, FromOptions } from "./options.js";
import { resolveFrom } from "./people.js";
import type { Chat, ChatBoostRemoved, ChatBoostSource, ChatBoostUpdated, UpdateOf } from "./types.js";
import { wrap } from "./wrap.js";

/** Options of the boost factories. */
export interface BoostOptions<Payload> extends FactoryOptions<Payload>, FromOptions {
  /** The boosted chat's id (a supergroup or channel). @default -1001234567890 */
  chatId?: number;
  /** The boost id. @default a growing id */
  boostId?: string;
  /** Where the boost came from. @default a Premium subscription of the user */
  source?: ChatBoostSource;
}

function boostedChat(id: number | undefined): Chat {
  return { id: id ?? DEFAULT_GROUP_ID, type: "supergroup", title: "Test Supergroup" };
}

/** Options of `updates.chatBoost()`. */
export interface ChatBoostOptions extends BoostOptions<ChatBoostUpdated> {
  /** When the chat was boosted, Unix seconds. @default now */
  addDate?: number;
}

/** A chat was boosted (or a boost changed); the bot must be an administrator. */
export function chatBoost(options: ChatBoostOptions = {}): UpdateOf<"chat_boost"> {
  const addDate = options.addDate ?? nowSeconds();
  const payload: ChatBoostUpdated = {
    chat: boostedChat(options.chatId),
    boost: {
      boost_id: options.boostId ?? `boost-${nextSequence()}`,
      add_date: addDate,
      expiration_date: addDate + 30 * 86_400,
      source: options.source ?? { source: "premium", user: resolveFrom(options) },
    },
  };
  return wrap("chat_boost", { ...payload, ...options.extra }, options.updateId);
}

/** Options of `updates.removedChatBoost()`. */
export interface RemovedChatBoostOptions extends BoostOptions<ChatBoostRemoved> {
  /** When the boost was removed, Unix seconds. @default now */
  removeDate?: number;
}

/** A boost was removed from a chat. */
export function removedChatBoost(options: RemovedChatBoostOptions = {}): UpdateOf<"removed_chat_boost"> {
  const payload: ChatBoostRemoved = {
    chat: boostedChat(options.chatId),
    boost_id: options.boostId ?? `boost-${nextSequence()}`,
    remove_date: options.removeDate ?? nowSeconds(),
    source: options.source ?? { source: "premium", user: resolveFrom(options) },
  };
  return wrap("removed_chat_boost", { ...payload, ...options.extra }, options.updateId);
}
