import type { Update, UpdateInit } from "../updates/types.js";
import type { EmulatedBot } from "./emulated-bot.js";
import { isBookkeepingMethod, type RecordedCall } from "./recorded-call.js";
import type { EmulatedBotHandle, WaitForCallOptions } from "./telegram-emulator.js";
import { webhookInfo } from "./webhook-info.js";

/** The public face of one emulated bot. */
export function botHandle(bot: EmulatedBot): EmulatedBotHandle {
  return {
    get token() {
      return bot.token;
    },
    get botInfo() {
      return bot.info;
    },
    sendUpdate: (update: UpdateInit): Update => bot.sendUpdate(update),
    sendUpdates: (updates: readonly UpdateInit[]): Update[] =>
      updates.map((update) => bot.sendUpdate(update)),
    get calls() {
      return bot.calls;
    },
    callsTo: (method: string) => {
      const lower = method.toLowerCase();
      return bot.calls.filter((call) => call.method.toLowerCase() === lower);
    },
    get sent() {
      return bot.calls.filter((call) => !isBookkeepingMethod(call.method));
    },
    get setWebhookCalls() {
      return bot.setWebhookCalls;
    },
    get deliveries() {
      return bot.deliveries;
    },
    get filteredUpdates() {
      return bot.filteredUpdates;
    },
    webhookInfo: () => webhookInfo(bot),
    waitForCall: (method: string, options?: WaitForCallOptions) => waitForCall(bot, method, options),
    onCall: (listener) => bot.onCall(listener),
    onDelivery: (listener) => bot.onDelivery(listener),
    get chats() {
      return [...bot.chats.chats.values()];
    },
    chatMessages: (chatId) => bot.chats.messages(chatId).map((message) => ({ ...message })),
    setBlocked: (userId, blocked = true) => {
      if (blocked) bot.chats.blockedBy.add(userId);
      else bot.chats.blockedBy.delete(userId);
    },
    floodLimit: (options) => {
      if (!(Number.isInteger(options.retryAfter) && options.retryAfter > 0)) {
        throw new TypeError(
          "@telehook/testing: floodLimit needs retryAfter, a whole number of seconds above 0.",
        );
      }
      bot.chats.floods.push({
        retryAfter: options.retryAfter,
        method: options.method?.toLowerCase(),
        chatId: options.chatId,
        remaining: options.calls ?? 1,
      });
    },
  };
}

function waitForCall(
  bot: EmulatedBot,
  method: string,
  options: WaitForCallOptions = {},
): Promise<RecordedCall> {
  const lower = method.toLowerCase();
  const matches = (call: RecordedCall): boolean =>
    call.method.toLowerCase() === lower && (options.where === undefined || options.where(call));
  const since = options.since ?? 0;
  for (let i = since; i < bot.calls.length; i++) {
    const call = bot.calls[i] as RecordedCall;
    if (matches(call)) return Promise.resolve(call);
  }
  const timeoutMs = options.timeoutMs ?? 5000;
  return new Promise((resolve, reject) => {
    const unsubscribe = bot.onCall((call) => {
      if (call.index < since || !matches(call)) return;
      clearTimeout(timer);
      unsubscribe();
      resolve(call);
    });
    const timer = setTimeout(() => {
      unsubscribe();
      const seen = bot.calls.map((call) => call.method).join(", ") || "none";
      reject(new Error(`@telehook/testing: no ${method} call within ${timeoutMs} ms; calls so far: ${seen}`));
    }, timeoutMs);
  });
}
