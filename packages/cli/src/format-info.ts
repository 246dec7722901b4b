import type { WebhookInfo } from "@telehook/core";
import { displayWebhookUrl } from "@telehook/core/internal";

/** A Unix time as ISO 8601 with its age, e.g. `2026-05-01T10:00:00.000Z (3 min ago)`. */
export function formatTime(unixSeconds: number, now = Date.now()): string {
  const iso = new Date(unixSeconds * 1000).toISOString();
  return `${iso} (${formatAge(now - unixSeconds * 1000)})`;
}

function formatAge(ms: number): string {
  const seconds = Math.round(ms / 1000);
  if (seconds < 0) return "in the future";
  if (seconds < 90) return `${seconds} s ago`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 90) return `${minutes} min ago`;
  const hours = Math.round(minutes / 60);
  if (hours < 48) return `${hours} h ago`;
  return `${Math.round(hours / 24)} days ago`;
}

/** `getWebhookInfo` as aligned, readable lines. URLs are shown without a password. */
export function formatWebhookInfo(info: WebhookInfo, now = Date.now()): string {
  const rows: [string, string][] = [
    ["Webhook URL", info.url ? displayWebhookUrl(info.url) : "(none: the bot uses getUpdates)"],
    ["Pending updates", String(info.pending_update_count)],
    ["Custom certificate", info.has_custom_certificate ? "yes" : "no"],
  ];
  if (info.max_connections !== undefined) rows.push(["Max connections", String(info.max_connections)]);
  if (info.ip_address !== undefined) rows.push(["IP address", info.ip_address]);
  rows.push([
    "Allowed updates",
    info.allowed_updates
      ? info.allowed_updates.join(", ") || "(none)"
      : "(default: all except chat_member, message_reaction, message_reaction_count)",
  ]);
  rows.push([
    "Last error",
    info.last_error_date !== undefined
      ? `${formatTime(info.last_error_date, now)}: ${info.last_error_message ?? "(no message)"}`
      : "none",
  ]);
  if (info.last_synchronization_error_date !== undefined) {
    rows.push(["Last sync error", formatTime(info.last_synchronization_error_date, now)]);
  }
  const width = Math.max(...rows.map(([label]) => label.length)) + 1;
  return `${rows.map(([label, value]) => `${`${label}:`.padEnd(width)} ${value}`).join("\n")}\n`;
}
