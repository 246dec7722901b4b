import { createWebhookHandler, type Update, type WebhookOptions, type WebhookRequest } from "@telehook/core";

export const SECRET = "unit_test_secret-123";

/** A handler that records what reached onUpdate, with the test's options on top. */
export function recordingHandler(options: Partial<WebhookOptions> = {}) {
  const updates: Update[] = [];
  const handler = createWebhookHandler({
    secretToken: SECRET,
    onUpdate: (update) => void updates.push(update),
    ...options,
  });
  return { handler, updates };
}

/** A POST as Telegram sends it, with the given body and extra or replaced headers. */
export function telegramRequest(
  body: WebhookRequest["body"],
  headers: Record<string, string | undefined> = {},
): WebhookRequest {
  const all: Record<string, string | undefined> = {
    "content-type": "application/json",
    "x-telegram-bot-api-secret-token": SECRET,
    ...headers,
  };
  return { method: "POST", header: (name) => all[name], body };
}

/** An async iterable that remembers whether anyone read from it, and how far. */
export function watchedChunks(chunks: Iterable<string | Uint8Array>) {
  const state = { pulled: 0 };
  async function* iterate() {
    for (const chunk of chunks) {
      state.pulled++;
      yield typeof chunk === "string" ? new TextEncoder().encode(chunk) : chunk;
    }
  }
  return { body: iterate(), state };
}

export const updateJson = (id = 1) =>
  JSON.stringify({ update_id: id, message: { message_id: 1, text: "hi" } });
