import type { BodyContent } from "./read-body.js";
import type { RejectionReason } from "./rejection.js";
import type { Update, UpdateType } from "./update.js";

/** A body that passed every check: the update and its type key. */
export interface ParsedUpdate {
  /** The update as parsed from the body. */
  readonly update: Update;
  /** The update's one type key, e.g. `"message"`. */
  readonly updateType: UpdateType;
}

/**
 * Turns body content into an update, or says why it is not one. An update is a JSON object whose
 * `update_id` is a non-negative integer and that has a type key besides it; no `__proto__` key anywhere.
 */
export function parseUpdate(content: BodyContent): ParsedUpdate | RejectionReason {
  if (content.kind === "rejected") return content.reason;
  let value: unknown;
  if (content.kind === "text") {
    if (content.text.length === 0) return "empty_body";
    try {
      value = JSON.parse(content.text);
    } catch {
      return "invalid_json";
    }
    if (MAY_SPELL_PROTO_KEY.test(content.text) && hasProtoKey(value)) return "forbidden_key";
  } else {
    value = content.value;
    if (hasProtoKey(value)) return "forbidden_key";
  }
  return toUpdate(value);
}

function toUpdate(value: unknown): ParsedUpdate | RejectionReason {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return "invalid_update";
  const id = (value as { update_id?: unknown }).update_id;
  if (typeof id !== "number" || !Number.isSafeInteger(id) || id < 0) return "invalid_update";
  for (const key in value) {
    if (key !== "update_id") return { update: value as Update, updateType: key };
  }
  return "invalid_update";
}

/**
 * Matches wherever JSON text could spell a `__proto__` key. Written out, it is the word itself; with any of its
 * letters escaped, the text holds a `\u` escape of an ASCII letter from `\u0050` to `\u007F` (`_` 5F, `o` 6F,
 * `p` 70, `r` 72, `t` 74, hex in either case), the only other way JSON can write them. With no match, no key can
 * be `__proto__`, so the walk over the parsed keys is skipped. Telegram escapes every non-ASCII character
 * (`\u0410`, `\ud83d`) and never an ASCII letter, so a genuine body almost never pays for the walk, and a false
 * match (the word inside a value, say) only costs the walk. One regular-expression pass over the text is cheaper
 * than `includes("__proto__")`, which stops at every `_`.
 */
const MAY_SPELL_PROTO_KEY = /__proto__|\\u00[5-7]/;

/**
 * Looks through every nested object without recursion, so deep nesting cannot overflow the stack, and
 * visits each object once, so a cyclic value from a custom body parser cannot loop.
 */
function hasProtoKey(root: unknown): boolean {
  const pending: unknown[] = [root];
  const seen = new WeakSet<object>();
  while (pending.length > 0) {
    const value = pending.pop();
    if (typeof value !== "object" || value === null || seen.has(value)) continue;
    seen.add(value);
    if (Object.hasOwn(value, "__proto__")) return true;
    for (const key in value) pending.push((value as Record<string, unknown>)[key]);
  }
  return false;
}
