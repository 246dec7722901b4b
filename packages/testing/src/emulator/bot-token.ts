/** The shape of a real bot token: the bot's numeric id, a colon, and at least 30 URL-safe characters. */
export const BOT_TOKEN_PATTERN = /^\d+:[A-Za-z0-9_-]{30,}$/;

/** The token of the emulator's default bot; its id matches the bot the update factories use. */
export const DEFAULT_BOT_TOKEN = "123456789:AAEmulatorDefaultTokenForTelehookTests";

/** True when `token` looks like a real bot token. */
export function isWellFormedBotToken(token: string): boolean {
  return BOT_TOKEN_PATTERN.test(token);
}

/** The bot id a token starts with, or 0 when it has none. */
export function botIdOf(token: string): number {
  const id = Number(token.slice(0, token.indexOf(":")));
  return Number.isSafeInteger(id) && id > 0 ? id : 0;
}
