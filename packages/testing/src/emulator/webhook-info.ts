import { describeAllowedUpdates } from "./allowed-updates.js";
import type { EmulatedBot } from "./emulated-bot.js";

/** getWebhookInfo's result, keys in the server's order; optional keys are left out, never null. */
export interface WebhookInfo {
  url: string;
  has_custom_certificate: boolean;
  pending_update_count: number;
  last_error_date?: number;
  last_error_message?: string;
  max_connections?: number;
  ip_address?: string;
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
