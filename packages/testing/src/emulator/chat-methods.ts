import { BotApiError, badRequest, tooManyRequests } from "./bot-api-error.js";
import type { ChatInfo, ChatMessage, ChatState } from "./chat-state.js";
import { type BotUser, MESSAGE_METHODS } from "./method-results.js";
import { isUploadedFile } from "./multipart.js";
import { argString, type CallParams } from "./request-params.js";

/** What the checked methods need from their bot. */
export interface ChatMethodContext {
  readonly state: ChatState;
  readonly bot: BotUser;
  /** Unix seconds. */
  readonly date: number;
}

const NOT_MODIFIED =
  "message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message";
const QUERY_INVALID = "query is too old and response timeout expired or query ID is invalid";

/** Methods that send a new message to `chat_id`: they need a known chat, and fail when the user blocked the bot. */
const SEND_METHODS: ReadonlySet<string> = new Set([
  ...MESSAGE_METHODS,
  "sendmediagroup",
  "sendchataction",
  "forwardmessages",
  "copymessage",
  "copymessages",
]);

/**
 * Runs the checks the server makes on any chat method before it acts: a scripted flood limit, then for
 * methods that send to `chat_id`, a chat the bot knows and a user who has not blocked it. Throws the
 * server's error.
 */
export function checkChatCall(method: string, params: CallParams, context: ChatMethodContext): void {
  const chatId = Number(argString(params, "chat_id"));
  const flood = context.state.takeFlood(method, Number.isSafeInteger(chatId) ? chatId : undefined);
  if (flood !== undefined) throw tooManyRequests(flood.retryAfter);
  if (!SEND_METHODS.has(method)) return;
  if (method === "sendmessage" && argString(params, "text") === "") throw badRequest("message text is empty");
  if (method === "sendphoto" && !hasFile(params, "photo"))
    throw badRequest("there is no photo in the request");
  const chat = knownChat(params, context.state);
  if (chat.type === "private" && context.state.blockedBy.has(chat.id)) {
    throw new BotApiError(403, "Forbidden: bot was blocked by the user");
  }
}

/**
 * The methods the emulator models fully (sendMessage, sendPhoto, editMessageText, deleteMessage,
 * answerCallbackQuery, setMyCommands, getMyCommands), or undefined for the rest. Call after `checkChatCall`.
 */
export function runChatMethod(
  method: string,
  params: CallParams,
  context: ChatMethodContext,
): { result: unknown } | undefined {
  switch (method) {
    case "sendmessage":
    case "sendphoto":
      return { result: sendMessage(method, params, context) };
    case "editmessagetext":
      return { result: editMessageText(params, context) };
    case "deletemessage":
      return { result: deleteMessage(params, context) };
    case "answercallbackquery":
      if (!context.state.callbackQueries.has(argString(params, "callback_query_id"))) {
        throw badRequest(QUERY_INVALID);
      }
      return { result: true };
    case "setmycommands":
      context.state.commands.set(argString(params, "language_code"), parseCommands(params));
      return { result: true };
    case "getmycommands":
      return { result: context.state.commands.get(argString(params, "language_code")) ?? [] };
    default:
      return undefined;
  }
}

function sendMessage(method: string, params: CallParams, context: ChatMethodContext): ChatMessage {
  const { state } = context;
  const chat = knownChat(params, state);
  const message: ChatMessage = {
    message_id: state.nextMessageId(chat.id),
    from: {
      id: context.bot.id,
      is_bot: true,
      first_name: context.bot.first_name,
      username: context.bot.username,
    },
    chat,
    date: context.date,
  };
  const threadId = argString(params, "message_thread_id");
  if (threadId !== "") message.message_thread_id = Number(threadId);
  if (method === "sendphoto") {
    const id = `AgAC${state.nextFileNumber().toString(36).padStart(8, "0")}`;
    message.photo = [
      { file_id: `${id}s`, file_unique_id: `AQAD${id}s`, width: 90, height: 90, file_size: 1200 },
      { file_id: `${id}m`, file_unique_id: `AQAD${id}m`, width: 320, height: 320, file_size: 14000 },
    ];
    const caption = argString(params, "caption");
    if (caption !== "") message.caption = caption;
  } else {
    message.text = argString(params, "text");
    const entities = parseJson(params.entities);
    if (Array.isArray(entities) && entities.length > 0) message.entities = entities;
  }
  const markup = replyMarkup(params);
  if (markup !== undefined && "inline_keyboard" in markup) message.reply_markup = markup;
  state.remember(message);
  return { ...message };
}

function editMessageText(params: CallParams, context: ChatMethodContext): unknown {
  const text = argString(params, "text");
  if (text === "") throw badRequest("message text is empty");
  const messageId = messageIdOf(params);
  if (argString(params, "chat_id") === "" && messageId === 0) {
    if (argString(params, "inline_message_id") === "")
      throw badRequest("message identifier is not specified");
    return true;
  }
  const chat = knownChat(params, context.state);
  const message = context.state.message(chat.id, messageId);
  if (message === undefined) throw badRequest("message to edit not found");
  const markup = replyMarkup(params);
  if (message.text === text && sameJson(message.reply_markup, markup)) throw badRequest(NOT_MODIFIED);
  message.text = text;
  const entities = parseJson(params.entities);
  if (Array.isArray(entities) && entities.length > 0) message.entities = entities;
  else delete message.entities;
  if (markup !== undefined && "inline_keyboard" in markup) message.reply_markup = markup;
  else delete message.reply_markup;
  message.edit_date = context.date;
  return { ...message };
}

function deleteMessage(params: CallParams, context: ChatMethodContext): true {
  if (argString(params, "chat_id") === "") throw badRequest("chat identifier is not specified");
  const messageId = messageIdOf(params);
  if (messageId === 0) throw badRequest("message identifier is not specified");
  const chat = knownChat(params, context.state);
  const message = context.state.message(chat.id, messageId);
  if (message === undefined) throw badRequest("message to delete not found");
  message.deleted = true;
  return true;
}

/** The chat `chat_id` names, if the bot knows it. */
function knownChat(params: CallParams, state: ChatState): ChatInfo {
  const raw = argString(params, "chat_id").trim();
  if (raw === "") throw badRequest("chat_id is empty");
  if (raw.startsWith("@")) {
    const name = raw.slice(1).toLowerCase();
    for (const chat of state.chats.values()) {
      if (
        typeof chat.username === "string" &&
        chat.username.toLowerCase() === name &&
        chat.type !== "private"
      ) {
        return chat;
      }
    }
    throw badRequest("chat not found");
  }
  const chat = /^-?\d+$/.test(raw) ? state.chats.get(Number(raw)) : undefined;
  if (chat === undefined) throw badRequest("chat not found");
  return chat;
}

/** `message_id` as the server reads it; 0 when missing or not a positive number. */
function messageIdOf(params: CallParams): number {
  const raw = argString(params, "message_id").trim();
  if (!/^\d+$/.test(raw)) return 0;
  const id = Number(raw);
  return id > 0 && id <= 2_147_483_647 ? id : 0;
}

function parseCommands(params: CallParams): unknown[] {
  const raw = argString(params, "commands");
  if (raw === "") return [];
  const value = parseJson(raw, Symbol.for("invalid"));
  if (value === Symbol.for("invalid")) throw badRequest("can't parse commands JSON object");
  if (!Array.isArray(value)) throw badRequest("expected an Array of BotCommand");
  return value.map((item) => {
    if (typeof item !== "object" || item === null || Array.isArray(item)) {
      throw badRequest("can't parse BotCommand: expected an Object");
    }
    for (const field of ["command", "description"]) {
      const fieldValue = (item as Record<string, unknown>)[field];
      if (fieldValue === undefined) throw badRequest(`can't parse BotCommand: Can't find field "${field}"`);
      if (typeof fieldValue !== "string") {
        throw badRequest(`can't parse BotCommand: Field "${field}" must be of type String`);
      }
    }
    const { command, description } = item as { command: string; description: string };
    return { command, description };
  });
}

function replyMarkup(params: CallParams): Record<string, unknown> | undefined {
  const value = parseJson(params.reply_markup);
  return typeof value === "object" && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

function hasFile(params: CallParams, name: string): boolean {
  const value = params[name];
  if (isUploadedFile(value)) return true;
  if (typeof value !== "string" || value === "") return false;
  if (value.startsWith("attach://")) return isUploadedFile(params[value.slice("attach://".length)]);
  return true;
}

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
}

function parseJson(value: unknown, invalid: unknown = undefined): unknown {
  if (typeof value !== "string") return value;
  try {
    return JSON.parse(value);
  } catch {
    return invalid;
  }
}
