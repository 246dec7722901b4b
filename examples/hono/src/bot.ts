import type { Update, WebhookReply } from "@telehook/hono";

/**
 * The whole bot, without a bot library: `/start` greets, any other text is echoed back. Each answer is a
 * webhook reply, a Bot API call sent back in the HTTP response, so the bot makes no request of its own:
 * it needs neither its token nor network access, which suits Workers and other serverless runtimes.
 */
export function replyTo(update: Update): WebhookReply | undefined {
  const message = update.message;
  if (message?.text === undefined) return undefined;
  const text = message.text === "/start" ? "Hi! Send me any text and I will send it back." : message.text;
  return { method: "sendMessage", chat_id: message.chat.id, text };
}
