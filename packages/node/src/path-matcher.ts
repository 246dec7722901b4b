import { TelehookError } from "@telehook/core";

/**
 * Checks a requested path against the webhook's `path` option: the path itself and the path with a
 * trailing slash match; no path (`undefined`) matches everything. Throws a `TelehookError` when the
 * option does not start with `/`, in the name of `source` (the adapter the user called).
 *
 * @example
 * const isWebhookPath = webhookPathMatcher("/bot");
 * isWebhookPath("/bot/"); // true
 */
export function webhookPathMatcher(
  path: string | undefined,
  source = "@telehook/node",
): (requested: string) => boolean {
  if (path === undefined) return () => true;
  if (typeof path !== "string" || !path.startsWith("/")) {
    throw new TelehookError("invalid_options", 'path must start with "/", such as "/bot", or be left out.', {
      source,
    });
  }
  const base = path.replace(/\/+$/, "");
  return (requested) => requested === base || requested === `${base}/`;
}
