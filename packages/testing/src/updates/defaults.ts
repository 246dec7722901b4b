import type { User } from "./types.js";

/** The bot the factories make messages "from the bot" with; the emulator's default token belongs to it. */
export const DEFAULT_BOT = {
  /** The bot's user id, 123456789: the part of `DEFAULT_BOT_TOKEN` before the colon. */
  id: 123_456_789,
  /** Always `true`: this user is a bot. */
  is_bot: true,
  /** The bot's display name, `"Telehook Test Bot"`. */
  first_name: "Telehook Test Bot",
  /** The bot's username without the `@`, `"telehook_test_bot"`. */
  username: "telehook_test_bot",
} as const satisfies User;

/** The user every factory uses unless told otherwise; their private chat has the same id. */
export const DEFAULT_USER = {
  /** The user's id, 100000001; also the id of their private chat with the bot. */
  id: 100_000_001,
  /** Always `false`: a person, not a bot. */
  is_bot: false,
  /** The user's first name, `"Alice"`. */
  first_name: "Alice",
  /** The user's last name, `"Example"`. */
  last_name: "Example",
  /** The user's username without the `@`, `"alice_example"`. */
  username: "alice_example",
  /** The IETF language tag of the user's client, `"en"`. */
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
