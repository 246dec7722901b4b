import type { Update, UpdateOf } from "./types.js";

/** Puts a payload under its type key, with `update_id` only when one was asked for. */
export function wrap<K extends Exclude<keyof Update, "update_id">>(
  type: K,
  payload: NonNullable<Update[K]>,
  updateId: number | undefined,
): UpdateOf<K> {
  const update = { [type]: payload } as UpdateOf<K>;
  return updateId === undefined ? update : { update_id: updateId, ...update };
}

/** A string of digits that grows with each call, like Telegram's query ids. */
export function queryId(sequence: number): string {
  return String(4_382_000_000_000_000n + BigInt(sequence));
}
