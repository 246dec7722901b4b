import type { Update } from "@telehook/core";

/** Where the bot's Bot API calls go: Telegram, or a local stand-in in tests. */
function apiRoot(): string {
  return process.env.TELEGRAM_API_ROOT ?? "https://api.telegram.org";
}

async function callTelegram(method: string, payload: Record<string, unknown>): Promise<void> {
  const response = await fetch(`${apiRoot()}/bot${process.env.BOT_TOKEN}/${method}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(payload),
  });
  // The token is in the URL: never put the URL in an error.
  if (!response.ok) throw new Error(`${method} failed with HTTP ${response.status}`);
}

/**
 * An echo bot without a bot library. `/slow` stands for work that takes longer than Telegram should wait:
 * the bot shows "typing…" first (a call that may take its time), then answers.
 */
export async function handleUpdate(update: Update): Promise<void> {
  const message = update.message;
  if (!message?.text) return;
  if (message.text === "/slow")
    await callTelegram("sendChatAction", { chat_id: message.chat.id, action: "typing" });
  await callTelegram("sendMessage", { chat_id: message.chat.id, text: `echo: ${message.text}` });
}
