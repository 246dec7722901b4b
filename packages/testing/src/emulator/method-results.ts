import type { CallParams } from "./request-params.js";
import { argString } from "./request-params.js";

/** A user as getMe returns it. */
export interface BotUser {
  /** The bot's user id: the number before the colon in its token. */
  readonly id: number;
  /** Always `true`. */
  readonly is_bot: true;
  /** The bot's display name. */
  readonly first_name: string;
  /** The bot's username, without the `@`. */
  readonly username: string;
  /** The other fields getMe returns (see `BotInfo`). */
  readonly [field: string]: unknown;
}

/** What the plausible results need from the bot. */
export interface ResultContext {
  /** The bot that made the call, as its results' `from` shows it. */
  readonly bot: BotUser;
  /** Unix seconds. */
  readonly date: number;
  /** The next message id in a chat, counting from 1. */
  nextMessageId(chatId: number): number;
}

/** Methods whose result is the one Message they sent. */
export const MESSAGE_METHODS: ReadonlySet<string> = new Set([
  "sendmessage",
  "sendphoto",
  "sendaudio",
  "senddocument",
  "sendvideo",
  "sendanimation",
  "sendvoice",
  "sendvideonote",
  "sendpaidmedia",
  "sendlocation",
  "sendvenue",
  "sendcontact",
  "sendpoll",
  "senddice",
  "sendsticker",
  "sendinvoice",
  "sendgame",
  "sendchecklist",
  "forwardmessage",
]);

const EDIT_METHODS = new Set([
  "editmessagetext",
  "editmessagecaption",
  "editmessagemedia",
  "editmessagereplymarkup",
  "editmessagelivelocation",
  "stopmessagelivelocation",
  "editmessagechecklist",
]);

/**
 * A believable `result` for a method the emulator does not implement: a Message for send* methods (with
 * message_id counting up per chat), `{ message_id }` for copies, the edited Message for edits of a chat
 * message, and `true` for everything else.
 */
export function plausibleResult(method: string, params: CallParams, context: ResultContext): unknown {
  const lower = method.toLowerCase();
  if (MESSAGE_METHODS.has(lower)) return sentMessage(params, context);
  if (lower === "copymessage") return { message_id: context.nextMessageId(chatIdOf(params)) };
  if (lower === "sendmediagroup") {
    const media = parseList(params.media);
    return (media.length > 0 ? media : [{}]).map((item) => {
      const caption =
        typeof item === "object" && item !== null ? (item as { caption?: unknown }).caption : undefined;
      return sentMessage(typeof caption === "string" ? { ...params, caption } : params, context);
    });
  }
  if (lower === "forwardmessages" || lower === "copymessages") {
    const chatId = chatIdOf(params);
    return parseList(params.message_ids).map(() => ({ message_id: context.nextMessageId(chatId) }));
  }
  if (EDIT_METHODS.has(lower)) {
    if (argString(params, "inline_message_id") !== "") return true;
    return editedMessage(params, context);
  }
  if (lower === "getchat") return chatOf(params);
  if (lower === "getchatmember")
    return { status: "member", user: userFor(Number(argString(params, "user_id"))) };
  if (lower === "getchatmembercount") return 1;
  if (lower === "getchatadministrators" || lower === "getmycommands") return [];
  if (lower === "getfile") {
    const fileId = argString(params, "file_id");
    return {
      file_id: fileId,
      file_unique_id: `u${fileId.slice(0, 15)}`,
      file_size: 0,
      file_path: `files/${fileId}`,
    };
  }
  if (lower === "getuserprofilephotos") return { total_count: 0, photos: [] };
  if (lower === "exportchatinvitelink") return "https://t.me/+emulated";
  return true;
}

function sentMessage(params: CallParams, context: ResultContext): Record<string, unknown> {
  const chat = chatOf(params);
  const message: Record<string, unknown> = {
    message_id: context.nextMessageId(chat.id as number),
    from: pickUser(context.bot),
    chat,
    date: context.date,
  };
  const threadId = argString(params, "message_thread_id");
  if (threadId !== "") message.message_thread_id = Number(threadId);
  copyText(params, message);
  const markup = parseObject(params.reply_markup);
  if (markup !== undefined && "inline_keyboard" in markup) message.reply_markup = markup;
  return message;
}

function editedMessage(params: CallParams, context: ResultContext): Record<string, unknown> {
  const message: Record<string, unknown> = {
    message_id: Number(argString(params, "message_id")) || 1,
    from: pickUser(context.bot),
    chat: chatOf(params),
    date: context.date,
    edit_date: context.date,
  };
  copyText(params, message);
  const markup = parseObject(params.reply_markup);
  if (markup !== undefined) message.reply_markup = markup;
  return message;
}

function copyText(params: CallParams, message: Record<string, unknown>): void {
  const text = argString(params, "text");
  if (text !== "") {
    message.text = text;
    const entities = parseList(params.entities);
    if (entities.length > 0) message.entities = entities;
  }
  const caption = argString(params, "caption");
  if (caption !== "") message.caption = caption;
}

function pickUser(bot: BotUser): Record<string, unknown> {
  return { id: bot.id, is_bot: true, first_name: bot.first_name, username: bot.username };
}

function userFor(id: number): Record<string, unknown> {
  return { id: Number.isFinite(id) ? id : 0, is_bot: false, first_name: "User" };
}

function chatIdOf(params: CallParams): number {
  return chatOf(params).id as number;
}

/** A chat matching a `chat_id`: private for positive ids, supergroup for -100…, group for other negatives. */
function chatOf(params: CallParams): Record<string, unknown> {
  const raw = argString(params, "chat_id");
  if (raw.startsWith("@")) {
    return {
      id: -1_000_000_000_000 - hashName(raw),
      type: "channel",
      title: raw.slice(1),
      username: raw.slice(1),
    };
  }
  const id = Number(raw);
  if (!Number.isSafeInteger(id) || id === 0) return { id: 0, type: "private", first_name: "User" };
  if (id > 0) return { id, type: "private", first_name: "User" };
  if (id <= -1_000_000_000_000) return { id, type: "supergroup", title: "Group" };
  return { id, type: "group", title: "Group" };
}

function hashName(name: string): number {
  let hash = 0;
  for (let i = 0; i < name.length; i++) hash = (hash * 31 + name.charCodeAt(i)) % 1_000_000_000;
  return hash;
}

function parseList(value: unknown): unknown[] {
  const parsed = typeof value === "string" ? safeParse(value) : value;
  return Array.isArray(parsed) ? parsed : [];
}

function parseObject(value: unknown): Record<string, unknown> | undefined {
  const parsed = typeof value === "string" ? safeParse(value) : value;
  return typeof parsed === "object" && parsed !== null && !Array.isArray(parsed)
    ? (parsed as Record<string, unknown>)
    : undefined;
}

function safeParse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
