/** The webhook secret the examples' tests configure and send. */
export const EXAMPLE_SECRET = "example_secret-0123";

/** A text message from Ada (user 42) in her private chat with the bot, as update 1. */
export function textUpdate(text: string) {
  return {
    update_id: 1,
    message: {
      message_id: 1,
      date: 1_767_225_600,
      chat: { id: 42, type: "private", first_name: "Ada" },
      from: { id: 42, is_bot: false, first_name: "Ada" },
      text,
    },
  };
}

/**
 * POSTs an update to `${url}/bot` as Telegram does: JSON, with the secret header (the example's secret
 * unless given; `null` sends none).
 */
export function postUpdate(url: string, update: unknown, secret: string | null = EXAMPLE_SECRET) {
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (secret !== null) headers["x-telegram-bot-api-secret-token"] = secret;
  return fetch(`${url}/bot`, { method: "POST", headers, body: JSON.stringify(update) });
}
