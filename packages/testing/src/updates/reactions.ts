import { DEFAULT_CHANNEL_ID, nextSequence, nowSeconds } from "./defaults.js";
import type { ChatOptions, DateOptions, FactoryOptions, FromOptions } from "./options.js";
import { resolveChat, resolveFrom } from "./people.js";
import type { MessageReactionCountUpdated, MessageReactionUpdated, ReactionType, UpdateOf } from "./types.js";
import { wrap } from "./wrap.js";

/** Options of `updates.messageReaction()`. */
export interface MessageReactionOptions
  extends FactoryOptions<MessageReactionUpdated>,
    FromOptions,
    ChatOptions,
    DateOptions {
  /** The message reacted to. @default a growing id */
  messageId?: number;
  /** Reactions before. @default none */
  oldReaction?: ReactionType[];
  /** Reactions after. @default 👍 */
  newReaction?: ReactionType[];
}

/**
 * A user changed their reaction to a message (only delivered when allowed_updates lists message_reaction).
 * By default they put 👍 on a message in their private chat.
 */
export function messageReaction(options: MessageReactionOptions = {}): UpdateOf<"message_reaction"> {
  const user = resolveFrom(options);
  const payload: MessageReactionUpdated = {
    chat: resolveChat(options, user),
    message_id: options.messageId ?? nextSequence(),
    user,
    date: options.date ?? nowSeconds(),
    old_reaction: options.oldReaction ?? [],
    new_reaction: options.newReaction ?? [{ type: "emoji", emoji: "👍" }],
  };
  return wrap("message_reaction", { ...payload, ...options.extra }, options.updateId);
}

/** Options of `updates.messageReactionCount()`. */
export interface MessageReactionCountOptions
  extends FactoryOptions<MessageReactionCountUpdated>,
    DateOptions {
  /** The channel's id. @default -1009876543210 */
  chatId?: number;
  /** The message. @default a growing id */
  messageId?: number;
  /** The reactions now on it. @default 3 × 👍 */
  reactions?: MessageReactionCountUpdated["reactions"];
}

/** The anonymous reaction counts on a message changed (channels; must be listed in allowed_updates). */
export function messageReactionCount(
  options: MessageReactionCountOptions = {},
): UpdateOf<"message_reaction_count"> {
  const payload: MessageReactionCountUpdated = {
    chat: { id: options.chatId ?? DEFAULT_CHANNEL_ID, type: "channel", title: "Test Channel" },
    message_id: options.messageId ?? nextSequence(),
    date: options.date ?? nowSeconds(),
    reactions: options.reactions ?? [{ type: { type: "emoji", emoji: "👍" }, total_count: 3 }],
  };
  return wrap("message_reaction_count", { ...payload, ...options.extra }, options.updateId);
}
