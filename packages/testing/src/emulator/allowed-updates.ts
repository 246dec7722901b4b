import {
  DEFAULT_ALLOWED_UPDATES,
  HIDDEN_UPDATE_TYPES,
  SERVER_UPDATE_TYPE_ORDER,
  type ServerUpdateType,
} from "./update-types.js";

const KNOWN: ReadonlySet<string> = new Set<string>([...SERVER_UPDATE_TYPE_ORDER, ...HIDDEN_UPDATE_TYPES]);

/**
 * Applies an `allowed_updates` parameter to the bot's current setting, the way the server does: a JSON array
 * of strings, matched ignoring case, unknown names skipped, and an array with no known name meaning the
 * default. An omitted or empty parameter, invalid JSON, a non-array or an array with a non-string element
 * keep the current setting, without an error.
 */
export function applyAllowedUpdates(raw: string, current: ReadonlySet<string>): ReadonlySet<string> {
  if (raw === "") return current;
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return current;
  }
  if (!Array.isArray(value) || !value.every((item) => typeof item === "string")) return current;
  const chosen = new Set<string>();
  for (const name of value as string[]) {
    const lower = name.toLowerCase();
    if (KNOWN.has(lower)) chosen.add(lower);
  }
  return chosen.size === 0 ? DEFAULT_ALLOWED_UPDATES : chosen;
}

/** The setting as `getWebhookInfo` shows it: server enum order, internal types hidden; undefined if default. */
export function describeAllowedUpdates(allowed: ReadonlySet<string>): ServerUpdateType[] | undefined {
  if (sameSet(allowed, DEFAULT_ALLOWED_UPDATES)) return undefined;
  return SERVER_UPDATE_TYPE_ORDER.filter((type) => allowed.has(type));
}

function sameSet(a: ReadonlySet<string>, b: ReadonlySet<string>): boolean {
  if (a.size !== b.size) return false;
  for (const item of a) if (!b.has(item)) return false;
  return true;
}

/**
 * Whether an update of this type is queued at all. Types the server does not know (a newer one typed into a
 * test) are let through, so they can still be tried.
 */
export function isUpdateAllowed(allowed: ReadonlySet<string>, type: string): boolean {
  return allowed.has(type) || !KNOWN.has(type);
}
