import { type KnownUpdateType, UPDATE_TYPES_IN_SERVER_ORDER } from "../update.js";

export { UPDATE_TYPES_IN_SERVER_ORDER };

/** The update types Telegram sends when `allowed_updates` is empty or was never set. */
export const DEFAULT_ALLOWED_UPDATES: readonly KnownUpdateType[] = UPDATE_TYPES_IN_SERVER_ORDER.filter(
  (type) => type !== "chat_member" && type !== "message_reaction" && type !== "message_reaction_count",
);

/** Sorts update types into server order and removes duplicates; an empty list means the default set. */
export function normalizeAllowedUpdates(types: readonly string[] | undefined): readonly string[] {
  const wanted = new Set(types === undefined || types.length === 0 ? DEFAULT_ALLOWED_UPDATES : types);
  const known: string[] = UPDATE_TYPES_IN_SERVER_ORDER.filter((type) => wanted.has(type));
  const unknown = [...wanted].filter((type) => !known.includes(type)).sort();
  return [...known, ...unknown];
}
