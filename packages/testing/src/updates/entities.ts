import type { MessageEntity } from "./types.js";

const COMMAND = /(^|[\s(])(\/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]{3,32})?)(?=$|[\s.,:;!?)])/g;

/**
 * The `bot_command` entities Telegram marks in a text: `/command` or `/command@botname` at the start or after
 * whitespace. Offsets and lengths count UTF-16 code units, as the Bot API does.
 */
export function commandEntities(text: string): MessageEntity[] {
  const entities: MessageEntity[] = [];
  for (const match of text.matchAll(COMMAND)) {
    const prefix = match[1] ?? "";
    const command = match[2] ?? "";
    entities.push({
      type: "bot_command",
      offset: (match.index ?? 0) + prefix.length,
      length: command.length,
    });
  }
  return entities;
}
