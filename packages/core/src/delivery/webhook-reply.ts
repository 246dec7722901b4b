import type { ApiMethods, Opts } from "@grammyjs/types";
import { TelehookError } from "../errors.js";

/** Methods Telegram ignores in a webhook reply: every `get…` method and the webhook lifecycle ones. */
type IgnoredMethod = `get${string}` | "setWebhook" | "deleteWebhook" | "close" | "logOut";

/** A Bot API method that may be sent as a webhook reply. */
export type WebhookReplyMethod = Exclude<keyof ApiMethods<never>, IgnoredMethod>;

/**
 * A Bot API call returned by `onUpdate` and sent as the response body, saving one request to Telegram.
 * Telegram never says whether it worked; use it for fire-and-forget calls only. Files cannot be uploaded.
 */
export type WebhookReply = { [M in WebhookReplyMethod]: { method: M } & Opts<never>[M] }[WebhookReplyMethod];

/** Telegram refuses reply bodies above 1 MiB, and then counts the delivery as failed. */
const MAX_REPLY_BYTES = 1024 * 1024;
const IGNORED = /^(get.*|setwebhook|deletewebhook|close|logout)$/;

/** True when `onUpdate` returned something shaped like a Bot API call. */
export function looksLikeReply(value: unknown): value is { method: unknown } {
  return typeof value === "object" && value !== null && "method" in value;
}

/** Serialises a reply after checking what Telegram would silently ignore or refuse. */
export function serializeReply(reply: { method: unknown }): string | TelehookError {
  const { method } = reply;
  if (typeof method !== "string" || method.length === 0) {
    return new TelehookError("invalid_webhook_reply", "a webhook reply needs a method name.");
  }
  if (IGNORED.test(method.toLowerCase())) {
    return new TelehookError(
      "invalid_webhook_reply",
      `Telegram ignores ${method} in a webhook reply (it never runs get… methods, setWebhook, deleteWebhook, close or logOut there). Call it through the Bot API instead.`,
    );
  }
  let body: string;
  try {
    body = JSON.stringify(reply);
  } catch (cause) {
    return new TelehookError("invalid_webhook_reply", `the ${method} reply cannot be serialised to JSON.`, {
      cause,
    });
  }
  if (new TextEncoder().encode(body).byteLength > MAX_REPLY_BYTES) {
    return new TelehookError(
      "invalid_webhook_reply",
      `the ${method} reply is larger than the 1 MiB Telegram accepts, and it would count as a failed delivery. Call it through the Bot API instead.`,
    );
  }
  return body;
}
