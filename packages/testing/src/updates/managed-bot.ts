import type { FactoryOptions, FromOptions } from "./options.js";
import { resolveFrom } from "./people.js";
import type { ManagedBotUpdated, UpdateOf, User } from "./types.js";
import { wrap } from "./wrap.js";

/** Options of `updates.managedBot()`. */
export interface ManagedBotOptions extends FactoryOptions<ManagedBotUpdated>, FromOptions {
  /** The managed bot. @default a bot with id 987654321 */
  bot?: Partial<User>;
}

/** A bot managed by this bot was created, or its token or owner changed (Bot API 9.6). */
export function managedBot(options: ManagedBotOptions = {}): UpdateOf<"managed_bot"> {
  const payload: ManagedBotUpdated = {
    user: resolveFrom(options),
    bot: {
      id: 987_654_321,
      is_bot: true,
      first_name: "Managed Bot",
      username: "managed_test_bot",
      ...options.bot,
    },
  };
  return wrap("managed_bot", { ...payload, ...options.extra }, options.updateId);
}
