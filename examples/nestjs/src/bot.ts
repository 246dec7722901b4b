import type { Update, WebhookReply } from "@telehook/core";

/** An echo bot without a bot library: it answers each text message with a webhook reply. */
export function echo(update: Update): WebhookReply | undefined {
  const message = update.message;
  if (!message?.text) return undefined;
  return { method: "sendMessage", chat_id: message.chat.id, text: `echo: ${message.text}` };
}
