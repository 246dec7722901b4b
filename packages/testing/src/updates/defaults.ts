import type { User } from "./types.js";

/** The bot the factories make messages "from the bot" with; the emulator's default token belongs to it. */
export const DEFAULT_BOT = {
  id: 123_456_789,
  is_bot: true,
  first_name: "Telehook Test Bot",
  username: "telehook_test_bot",
} as const satisfies User;

/** The user every factory uses unless told otherwise; their private chat has the same id. */
export const DEFAULT_USER = {
  id: 100_000_001,
  is_bot: false,
  first_name: "Alice",
  last_name: "Example",
  username: "alice_example",
  language_code: "en",
} as const satisfies User;

/** The supergroup used for group messages unless a chat id is given. */
export const DEFAULT_GROUP_ID = -1_001_234_567_890;

/** The channel used for channel posts unless a chat id is given. */
export const DEFAULT_CHANNEL_ID = -1_009_876_543_210;

/** Current Unix time in seconds. */
export function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

let sequence = 0;

/** A number that grows with every call: message ids, query ids. */
export function nextSequence(): number {
  sequence += 1;
  return sequence;
}
