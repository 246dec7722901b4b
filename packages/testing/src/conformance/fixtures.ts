import type { Update } from "@telehook/core";

/** The secret token the suite mounts webhooks with. */
export const CONFORMANCE_SECRET = "conformance_SECRET-token_0123456789";

/** A plain text message update, as Telegram sends it. */
export function sampleUpdate(updateId = 1000, chatId = 42): Update {
  return {
    update_id: updateId,
    message: {
      message_id: updateId,
      date: 1_767_225_600,
      chat: { id: chatId, type: "private", first_name: "Ada" },
      from: { id: chatId, is_bot: false, first_name: "Ada" },
      text: "hello",
    },
  };
}

/** The headers Telegram sends with an update, with this secret. */
export function telegramHeaders(secret: string = CONFORMANCE_SECRET): Record<string, string> {
  return { "content-type": "application/json", "x-telegram-bot-api-secret-token": secret };
}
