import { nowSeconds } from "./defaults.js";
import type { DateOptions, FactoryOptions, FromOptions } from "./options.js";
import { privateChatWith, resolveFrom } from "./people.js";
import type { BusinessConnection, BusinessMessagesDeleted, UpdateOf } from "./types.js";
import { wrap } from "./wrap.js";

/** Options of `updates.businessConnection()`. */
export interface BusinessConnectionOptions
  extends FactoryOptions<BusinessConnection>,
    FromOptions,
    DateOptions {
  /** The connection id. @default "biz-connection-1" */
  id?: string;
  /** Whether the connection is active. @default true */
  isEnabled?: boolean;
  /** The bot's rights in the account. @default can_reply */
  rights?: BusinessConnection["rights"];
}

/** A business account connected the bot, changed the connection or disconnected it. */
export function businessConnection(options: BusinessConnectionOptions = {}): UpdateOf<"business_connection"> {
  const user = resolveFrom(options);
  const payload: BusinessConnection = {
    id: options.id ?? "biz-connection-1",
    user,
    user_chat_id: user.id,
    date: options.date ?? nowSeconds(),
    rights: options.rights ?? { can_reply: true },
    is_enabled: options.isEnabled ?? true,
  };
  return wrap("business_connection", { ...payload, ...options.extra }, options.updateId);
}

/** Options of `updates.deletedBusinessMessages()`. */
export interface DeletedBusinessMessagesOptions extends FactoryOptions<BusinessMessagesDeleted>, FromOptions {
  /** The connection id. @default "biz-connection-1" */
  businessConnectionId?: string;
  /** The deleted messages. @default [1] */
  messageIds?: number[];
}

/** Messages were deleted in a chat of a connected business account. */
export function deletedBusinessMessages(
  options: DeletedBusinessMessagesOptions = {},
): UpdateOf<"deleted_business_messages"> {
  const payload: BusinessMessagesDeleted = {
    business_connection_id: options.businessConnectionId ?? "biz-connection-1",
    chat: privateChatWith(resolveFrom(options)),
    message_ids: options.messageIds ?? [1],
  };
  return wrap("deleted_business_messages", { ...payload, ...options.extra }, options.updateId);
}
