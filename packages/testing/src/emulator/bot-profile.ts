import { DEFAULT_BOT } from "../updates/defaults.js";
import { botIdOf } from "./bot-token.js";
import type { BotUser } from "./method-results.js";

/** What getMe returns for a bot: its id from the token, and the fields Bot API 10.0 sends. */
export type BotInfo = BotUser & {
  /** True when the bot can be added to groups; `true` by default. */
  readonly can_join_groups: boolean;
  /** True when privacy mode is off and the bot sees every group message; `false` by default. */
  readonly can_read_all_group_messages: boolean;
  /** True when the bot takes inline queries; `false` by default. */
  readonly supports_inline_queries: boolean;
  /** True when a Telegram Business account can connect the bot to get its messages; `false` by default. */
  readonly can_connect_to_business: boolean;
  /** True when the bot has a main Web App; `false` by default. */
  readonly has_main_web_app: boolean;
  /** True when forum topic mode is on in the bot's private chats; `false` by default. */
  readonly has_topics_enabled: boolean;
  /** True when users may create and delete topics in private chats with the bot; `false` by default. */
  readonly allows_users_to_create_topics: boolean;
  /** True when other bots can be created to be controlled by this one; `false` by default. */
  readonly can_manage_bots: boolean;
  /** True when the bot takes join request queries and can be assigned to them; `false` by default. */
  readonly supports_join_request_queries: boolean;
};

/** getMe for a token; the default bot's id and names match the update factories' bot. */
export function botProfile(token: string, overrides: Partial<BotInfo> = {}): BotInfo {
  const id = botIdOf(token);
  const isDefault = id === DEFAULT_BOT.id;
  return {
    id,
    is_bot: true,
    first_name: isDefault ? DEFAULT_BOT.first_name : "Test Bot",
    username: isDefault ? DEFAULT_BOT.username : `test_${id}_bot`,
    can_join_groups: true,
    can_read_all_group_messages: false,
    supports_inline_queries: false,
    can_connect_to_business: false,
    has_main_web_app: false,
    has_topics_enabled: false,
    allows_users_to_create_topics: false,
    can_manage_bots: false,
    supports_join_request_queries: false,
    ...overrides,
  };
}
