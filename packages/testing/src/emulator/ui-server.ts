import type { IncomingMessage, ServerResponse } from "node:http";
import { message } from "../updates/messages.js";
import { callbackQuery } from "../updates/queries.js";
import type { ChatMessage } from "./chat-state.js";
import type { EmulatedBot } from "./emulated-bot.js";
import { isUploadedFile } from "./multipart.js";
import { UI_PAGE } from "./ui-page.js";
import { webhookInfo } from "./webhook-info.js";

/** How many calls and deliveries the page's state carries (the newest). */
const LOG_LIMIT = 300;
const MAX_UI_BODY = 64 * 1024;

/**
 * The emulator's browser page and the small JSON API behind it, for one bot:
 * `GET /` (the page), `GET /_emulator/state`, `GET /_emulator/events` (server-sent "change" events),
 * `POST /_emulator/message` (`{ chatId, userId, firstName, text }`) and `POST /_emulator/tap`
 * (`{ chatId, messageId, data, userId, firstName }`). Everything is served from memory: it works offline.
 */
export class UiServer {
  readonly #bot: EmulatedBot;
  readonly #streams = new Set<ServerResponse>();
  #notifyScheduled = false;

  constructor(bot: EmulatedBot) {
    this.#bot = bot;
    bot.onCall(() => this.#changed());
    bot.onDelivery(() => this.#changed());
  }

  /** Answers a request that is not a Bot API call; false when the path is not the page's. */
  handle(request: IncomingMessage, response: ServerResponse): boolean {
    const path = (request.url ?? "/").split("?")[0];
    if (request.method === "GET" && (path === "/" || path === "/index.html")) {
      send(response, 200, "text/html; charset=utf-8", UI_PAGE);
      return true;
    }
    if (request.method === "GET" && path === "/_emulator/state") {
      send(response, 200, "application/json", JSON.stringify(this.#state()));
      return true;
    }
    if (request.method === "GET" && path === "/_emulator/events") {
      response.writeHead(200, {
        "Content-Type": "text/event-stream",
        "Cache-Control": "no-store",
        Connection: "keep-alive",
      });
      response.write("event: change\ndata: {}\n\n");
      this.#streams.add(response);
      request.on("close", () => this.#streams.delete(response));
      return true;
    }
    if (request.method === "POST" && (path === "/_emulator/message" || path === "/_emulator/tap")) {
      readJson(request)
        .then((body) => {
          const result = path === "/_emulator/message" ? this.#userMessage(body) : this.#tap(body);
          send(response, 200, "application/json", JSON.stringify(result));
          this.#changed();
        })
        .catch((error: unknown) => {
          send(response, 400, "application/json", JSON.stringify({ error: String(error) }));
        });
      return true;
    }
    return false;
  }

  /** Ends the event streams, so the server can close. */
  close(): void {
    for (const stream of this.#streams) stream.end();
    this.#streams.clear();
  }

  #userMessage(body: Record<string, unknown>): unknown {
    const chatId = integer(body.chatId, "chatId");
    const userId = body.userId === undefined ? chatId : integer(body.userId, "userId");
    const text = typeof body.text === "string" ? body.text : "";
    if (text === "") throw new Error("text is empty");
    const messageId = this.#bot.chats.nextMessageId(chatId);
    const update = this.#bot.sendUpdate(
      message({
        chatId,
        fromId: userId,
        from: { first_name: typeof body.firstName === "string" ? body.firstName : "User" },
        text,
        messageId,
      }),
    );
    return { update_id: update.update_id, message_id: messageId };
  }

  #tap(body: Record<string, unknown>): unknown {
    const chatId = integer(body.chatId, "chatId");
    const messageId = integer(body.messageId, "messageId");
    const userId = body.userId === undefined ? chatId : integer(body.userId, "userId");
    const stored = this.#bot.chats.message(chatId, messageId);
    if (stored === undefined) throw new Error("no such message");
    const { deleted: _deleted, ...shown } = stored;
    const update = this.#bot.sendUpdate(
      callbackQuery({
        chatId,
        fromId: userId,
        from: { first_name: typeof body.firstName === "string" ? body.firstName : "User" },
        data: typeof body.data === "string" ? body.data : "",
        message: shown as never,
      }),
    );
    return { update_id: update.update_id, callback_query_id: update.callback_query?.id };
  }

  #state(): unknown {
    const bot = this.#bot;
    return {
      bot: { id: bot.info.id, first_name: bot.info.first_name, username: bot.info.username },
      webhookInfo: webhookInfo(bot),
      chats: [...bot.chats.chats.values()].map((chat) => ({
        chat,
        messages: bot.chats.messages(chat.id).map(withoutFiles),
      })),
      calls: bot.calls.slice(-LOG_LIMIT).map((call) => ({
        index: call.index,
        method: call.method,
        source: call.source,
        at: call.at,
        params: withoutFiles(call.params),
        response: call.response,
      })),
      deliveries: bot.deliveries.slice(-LOG_LIMIT),
    };
  }

  /** Tells every open page that something changed, at most once per tick. */
  #changed(): void {
    if (this.#notifyScheduled || this.#streams.size === 0) return;
    this.#notifyScheduled = true;
    setTimeout(() => {
      this.#notifyScheduled = false;
      for (const stream of this.#streams) stream.write("event: change\ndata: {}\n\n");
    }, 20);
  }
}

function withoutFiles<T extends object>(value: T | ChatMessage): T {
  return JSON.parse(
    JSON.stringify(value, (_key, item: unknown) =>
      isUploadedFile(item) ? { file: item.filename, size: item.size } : item,
    ),
  ) as T;
}

function integer(value: unknown, name: string): number {
  const number = typeof value === "string" ? Number(value) : value;
  if (typeof number !== "number" || !Number.isSafeInteger(number) || number === 0) {
    throw new Error(`${name} must be a non-zero integer`);
  }
  return number;
}

function send(response: ServerResponse, status: number, type: string, body: string): void {
  response.writeHead(status, {
    "Content-Type": type,
    "Content-Length": Buffer.byteLength(body),
    "Cache-Control": "no-store",
  });
  response.end(body);
}

function readJson(request: IncomingMessage): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_UI_BODY) chunks.push(chunk);
    });
    request.on("error", reject);
    request.on("end", () => {
      try {
        if (size > MAX_UI_BODY) throw new Error("body too large");
        const value: unknown = JSON.parse(Buffer.concat(chunks).toString("utf8"));
        if (typeof value !== "object" || value === null) throw new Error("expected a JSON object");
        resolve(value as Record<string, unknown>);
      } catch (error) {
        reject(error);
      }
    });
  });
}
