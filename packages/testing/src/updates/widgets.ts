import { nextSequence } from "./defaults.js";
import type { ChatOptions, FactoryOptions, FromOptions } from "./options.js";
import { resolveChat, resolveFrom } from "./people.js";
import type { SharedWidgetQuery, UpdateOf, WidgetQuery, WidgetQueryType } from "./types.js";
import { queryId, wrap } from "./wrap.js";

/** Options of `updates.widgetQuery()`. */
export interface WidgetQueryOptions extends FactoryOptions<WidgetQuery>, FromOptions, ChatOptions {
  /** What the widget sent. @default "widget" */
  data?: string;
  /** The kind of query. @default `{ type: "data" }` */
  type?: WidgetQueryType;
  /**
   * A widget in an inline message: no `chat` and no `message_id`, but `inline_message_id` and `chat_type`.
   * @default false
   */
  inline?: boolean;
  /** The id of the message holding the widget. @default a growing number */
  messageId?: number;
  /** The shared widget's id, when the widget is a shared one. */
  widgetId?: string;
  /** The query id. @default a growing numeric string */
  id?: string;
}

/**
 * A query from a widget in a message sent by or via the bot (Bot API 10.4); by default in the user's private
 * chat. Answer with answerWidgetQuery within 15 s.
 */
export function widgetQuery(options: WidgetQueryOptions = {}): UpdateOf<"widget_query"> {
  const from = resolveFrom(options);
  const chat = resolveChat(options, from);
  const placed = options.inline
    ? { inline_message_id: `AgAAB${nextSequence()}`, chat_type: chat.type }
    : { chat, message_id: options.messageId ?? nextSequence() };
  const payload: WidgetQuery = {
    id: options.id ?? queryId(nextSequence()),
    from,
    chat_instance: String(-(4_000_000_000_000_000 + Math.abs(chat.id))),
    type: options.type ?? { type: "data" },
    data: options.data ?? "widget",
    ...placed,
    ...(options.widgetId !== undefined ? { widget_id: options.widgetId } : {}),
  };
  return wrap("widget_query", { ...payload, ...options.extra }, options.updateId);
}

/** Options of `updates.sharedWidgetQuery()`. */
export interface SharedWidgetQueryOptions extends FactoryOptions<SharedWidgetQuery>, FromOptions {
  /** What the widget sent. @default "widget" */
  data?: string;
  /** The kind of query. @default `{ type: "data" }` */
  type?: WidgetQueryType;
  /** The shared widget's id. @default "1" */
  widgetId?: string;
  /** The query id. @default a growing numeric string */
  id?: string;
}

/**
 * A query from a forwarded message holding a shared widget (Bot API 10.4): it has no chat. Answer with
 * answerWidgetQuery within 15 s.
 */
export function sharedWidgetQuery(options: SharedWidgetQueryOptions = {}): UpdateOf<"shared_widget_query"> {
  const payload: SharedWidgetQuery = {
    id: options.id ?? queryId(nextSequence()),
    from: resolveFrom(options),
    type: options.type ?? { type: "data" },
    data: options.data ?? "widget",
    widget_id: options.widgetId ?? "1",
  };
  return wrap("shared_widget_query", { ...payload, ...options.extra }, options.updateId);
}
