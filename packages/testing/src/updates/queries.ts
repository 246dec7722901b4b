import { DEFAULT_BOT, nextSequence, nowSeconds } from "./defaults.js";
import type { ChatOptions, FactoryOptions, FromOptions } from "./options.js";
import { resolveChat, resolveFrom } from "./people.js";
import type {
  CallbackQuery,
  ChosenInlineResult,
  InlineQuery,
  Message,
  PreCheckoutQuery,
  ShippingAddress,
  ShippingQuery,
  UpdateOf,
} from "./types.js";
import { queryId, wrap } from "./wrap.js";

/** Options of `updates.callbackQuery()`. */
export interface CallbackQueryOptions extends FactoryOptions<CallbackQuery>, FromOptions, ChatOptions {
  /** The button's callback data. @default "button" */
  data?: string;
  /** Instead of data: the short name of a game. */
  gameShortName?: string;
  /**
   * The message with the button. `null` for a button on a message sent in inline mode (then
   * `inline_message_id` is set).
   * @default a message from the bot in the chat, with an inline keyboard holding this button
   */
  message?: Message | null;
  /** The id of the default message. @default a growing number */
  messageId?: number;
  /** The query id. @default a growing numeric string */
  id?: string;
}

/** A press of an inline keyboard button; by default on a bot message in the user's private chat. */
export function callbackQuery(options: CallbackQueryOptions = {}): UpdateOf<"callback_query"> {
  const from = resolveFrom(options);
  const chat = resolveChat(options, from);
  const data = options.gameShortName === undefined ? (options.data ?? "button") : undefined;
  const query: CallbackQuery = {
    id: options.id ?? queryId(nextSequence()),
    from,
    chat_instance: String(-(4_000_000_000_000_000 + Math.abs(chat.id))),
  };
  if (options.message === null) {
    query.inline_message_id = `AgAAA${nextSequence()}`;
  } else {
    query.message = options.message ?? {
      message_id: options.messageId ?? nextSequence(),
      from: { ...DEFAULT_BOT },
      chat,
      date: nowSeconds(),
      text: "Choose an option",
      reply_markup: { inline_keyboard: [[{ text: data ?? "Play", callback_data: data ?? "game" }]] },
    };
  }
  if (data !== undefined) query.data = data;
  if (options.gameShortName !== undefined) query.game_short_name = options.gameShortName;
  return wrap("callback_query", { ...query, ...options.extra }, options.updateId);
}

/** Options of `updates.inlineQuery()`. */
export interface InlineQueryOptions extends FactoryOptions<InlineQuery>, FromOptions {
  /** What the user typed after the bot's username. @default "" */
  query?: string;
  /** The offset of results asked for. @default "" */
  offset?: string;
  /** Where it was typed. @default "sender" */
  chatType?: NonNullable<InlineQuery["chat_type"]>;
  /** The query id. @default a growing numeric string */
  id?: string;
}

/** An inline query: a user typing `@bot query` in a chat. */
export function inlineQuery(options: InlineQueryOptions = {}): UpdateOf<"inline_query"> {
  const payload: InlineQuery = {
    id: options.id ?? queryId(nextSequence()),
    from: resolveFrom(options),
    query: options.query ?? "",
    offset: options.offset ?? "",
    chat_type: options.chatType ?? "sender",
  };
  return wrap("inline_query", { ...payload, ...options.extra }, options.updateId);
}

/** Options of `updates.chosenInlineResult()`. */
export interface ChosenInlineResultOptions extends FactoryOptions<ChosenInlineResult>, FromOptions {
  /** The id of the chosen result. @default "1" */
  resultId?: string;
  /** The query that produced it. @default "" */
  query?: string;
  /** The sent message's id, present when it has an inline keyboard. */
  inlineMessageId?: string;
}

/** The inline result a user chose and sent. */
export function chosenInlineResult(
  options: ChosenInlineResultOptions = {},
): UpdateOf<"chosen_inline_result"> {
  const payload: ChosenInlineResult = {
    result_id: options.resultId ?? "1",
    from: resolveFrom(options),
    query: options.query ?? "",
  };
  if (options.inlineMessageId !== undefined) payload.inline_message_id = options.inlineMessageId;
  return wrap("chosen_inline_result", { ...payload, ...options.extra }, options.updateId);
}

/** Options of `updates.shippingQuery()`. */
export interface ShippingQueryOptions extends FactoryOptions<ShippingQuery>, FromOptions {
  /** The invoice payload the bot set. @default "order-1" */
  invoicePayload?: string;
  /** The address the user entered. @default an address in London */
  shippingAddress?: Partial<ShippingAddress>;
  /** The query id. @default a growing numeric string */
  id?: string;
}

/** A shipping query for an invoice with a flexible price. */
export function shippingQuery(options: ShippingQueryOptions = {}): UpdateOf<"shipping_query"> {
  const payload: ShippingQuery = {
    id: options.id ?? queryId(nextSequence()),
    from: resolveFrom(options),
    invoice_payload: options.invoicePayload ?? "order-1",
    shipping_address: {
      country_code: "GB",
      state: "",
      city: "London",
      street_line1: "1 Example Street",
      street_line2: "",
      post_code: "SW1A 1AA",
      ...options.shippingAddress,
    },
  };
  return wrap("shipping_query", { ...payload, ...options.extra }, options.updateId);
}

/** Options of `updates.preCheckoutQuery()`. */
export interface PreCheckoutQueryOptions extends FactoryOptions<PreCheckoutQuery>, FromOptions {
  /** Currency code, or "XTR" for Telegram Stars. @default "XTR" */
  currency?: string;
  /** Total in the smallest units. @default 100 */
  totalAmount?: number;
  /** The invoice payload the bot set. @default "order-1" */
  invoicePayload?: string;
  /** The query id. @default a growing numeric string */
  id?: string;
}

/** The final confirmation before a payment; answer with answerPreCheckoutQuery within 10 s. */
export function preCheckoutQuery(options: PreCheckoutQueryOptions = {}): UpdateOf<"pre_checkout_query"> {
  const payload: PreCheckoutQuery = {
    id: options.id ?? queryId(nextSequence()),
    from: resolveFrom(options),
    currency: options.currency ?? "XTR",
    total_amount: options.totalAmount ?? 100,
    invoice_payload: options.invoicePayload ?? "order-1",
  };
  return wrap("pre_checkout_query", { ...payload, ...options.extra }, options.updateId);
}
