import { DEFAULT_BOT } from "../updates/defaults.js";
import { botIdOf } from "./bot-token.js";
import type { BotUser } from "./method-results.js";

/** What getMe returns for a bot: its id from the token, and the fields Bot API 10.0 sends. */
export type BotInfo = BotUser & {
  readonly can_join_groups: boolean;
  readonly can_read_all_group_messages: boolean;
  readonly supports_inline_queries: boolean;
  readonly can_connect_to_business: boolean;
  readonly has_main_web_app: boolean;
  readonly has_topics_enabled: boolean;
  readonly allows_users_to_create_topics: boolean;
  readonly can_manage_bots: boolean;
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
