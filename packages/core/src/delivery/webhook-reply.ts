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
export type WebhookReply = {
  [M in WebhookReplyMethod]: {
    /** The Bot API method to call, e.g. `"sendMessage"`; the other fields are its parameters. */
    method: M;
  } & Opts<never>[M];
}[WebhookReplyMethod];

/** Telegram refuses reply bodies above 1 MiB, and then counts the delivery as failed. */
const MAX_REPLY_BYTES = 1024 * 1024;
const IGNORED = /^(get.*|setwebhook|deletewebhook|close|logout)$/;

/**
 * The response body for what `onUpdate` returned: `undefined` when it returned no Bot API call (anything
 * without a `method`), the JSON to send, or the error that explains why nothing is sent. Never throws, whatever
 * the value is (a getter that throws, an object without a prototype, a Proxy). The checks read the JSON that
 * would actually be sent, so a `toJSON` or a getter cannot smuggle a method past them.
 */
export function replyBody(
  returned: unknown,
  enabled: boolean,
  tooLate: boolean,
): string | TelehookError | undefined {
  try {
    if (typeof returned !== "object" || returned === null || !("method" in returned)) return undefined;
    const named = (returned as { method: unknown }).method;
    const method = typeof named === "string" ? named : "Bot API";
    if (!enabled) {
      return new TelehookError(
        "webhook_reply_disabled",
        `onUpdate returned a ${method} call, but webhookReply is off, so it was not sent. Set webhookReply: true or call the Bot API.`,
      );
    }
    if (tooLate) {
      return new TelehookError(
        "webhook_reply_too_late",
        `onUpdate returned a ${method} call after the deadline had already answered Telegram, so it was not sent. Call the Bot API for slow work.`,
      );
    }
    return serializeReply(returned);
  } catch (cause) {
    return new TelehookError("invalid_webhook_reply", "onUpdate returned a value that cannot be read.", {
      cause,
    });
  }
}

/** Serialises a reply, then checks what would be sent for what Telegram would silently ignore or refuse. */
function serializeReply(reply: object): string | TelehookError {
  let body: string | undefined;
  try {
    body = JSON.stringify(reply);
  } catch (cause) {
    return new TelehookError("invalid_webhook_reply", "the reply cannot be serialised to JSON.", { cause });
  }
  const sent: unknown = body === undefined ? undefined : JSON.parse(body);
  const method =
    typeof sent === "object" && sent !== null ? (sent as { method?: unknown }).method : undefined;
  if (typeof method !== "string" || method.length === 0 || body === undefined) {
    return new TelehookError(
      "invalid_webhook_reply",
      "a webhook reply needs a method name in the JSON it serialises to.",
    );
  }
  if (IGNORED.test(method.toLowerCase())) {
    return new TelehookError(
      "invalid_webhook_reply",
      `Telegram ignores ${method} in a webhook reply (it never runs get… methods, setWebhook, deleteWebhook, close or logOut there). Call it through the Bot API instead.`,
    );
  }
  if (new TextEncoder().encode(body).byteLength > MAX_REPLY_BYTES) {
    return new TelehookError(
      "invalid_webhook_reply",
      `the ${method} reply is larger than the 1 MiB Telegram accepts, and it would count as a failed delivery. Call it through the Bot API instead.`,
    );
  }
  return body;
}
