import { describeAllowedUpdates } from "./allowed-updates.js";
import type { EmulatedBot } from "./emulated-bot.js";

/** getWebhookInfo's result, keys in the server's order; optional keys are left out, never null. */
export interface WebhookInfo {
  /** The webhook URL, or `""` when none is set. */
  url: string;
  /** Whether `setWebhook` was given a self-signed certificate. */
  has_custom_certificate: boolean;
  /** Updates waiting to be delivered. */
  pending_update_count: number;
  /** Unix time of the last failed delivery; kept after later successes, cleared by set/delete. */
  last_error_date?: number;
  /** Why the last delivery failed, worded as the server words it. */
  last_error_message?: string;
  /** Connections the emulator opens to the webhook at most, while one is set. */
  max_connections?: number;
  /** The IP address the webhook's host resolved to, while one is set. */
  ip_address?: string;
  /** The update types delivered, when not the default set. */
  allowed_updates?: string[];
}

/**
 * Builds getWebhookInfo like the server: url, has_custom_certificate, pending_update_count, then the last
 * error (kept after later successes, cleared by set/delete), max_connections and ip_address while a webhook is
 * set, and allowed_updates when not the default.
 */
export function webhookInfo(bot: EmulatedBot): WebhookInfo {
  bot.store.dropExpired(bot.settings.clock.now());
  const webhook = bot.webhook;
  const info: WebhookInfo = {
    url: webhook?.url ?? "",
    has_custom_certificate: webhook?.hasCertificate ?? false,
    pending_update_count: bot.store.pendingCount,
  };
  if (webhook !== undefined) {
    if (webhook.lastErrorDate !== undefined && webhook.lastErrorMessage !== undefined) {
      info.last_error_date = webhook.lastErrorDate;
      info.last_error_message = webhook.lastErrorMessage;
    }
    info.max_connections = webhook.maxConnections;
    info.ip_address = webhook.target.ip;
  }
  const allowed = describeAllowedUpdates(bot.allowedUpdates);
  if (allowed !== undefined) info.allowed_updates = allowed;
  return info;
}
