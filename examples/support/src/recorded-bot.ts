import type { Bot } from "grammy";
import type { UserFromGetMe } from "grammy/types";

/** The profile the examples' bots are given, so that grammY never calls getMe. */
export const EXAMPLE_BOT_INFO: UserFromGetMe = {
  id: 1,
  is_bot: true,
  first_name: "Echo",
  username: "echo_example_bot",
  can_join_groups: true,
  can_read_all_group_messages: false,
  supports_inline_queries: false,
  can_connect_to_business: false,
  has_main_web_app: false,
  has_topics_enabled: false,
  allows_users_to_create_topics: false,
  can_manage_bots: false,
  supports_join_request_queries: false,
};

/** One Bot API call the bot made. */
export interface RecordedBotApiCall {
  readonly method: string;
  readonly payload: unknown;
}

/**
 * Records every Bot API call the grammY bot makes, in order, and answers each with `true`: nothing is sent to
 * Telegram.
 */
export function recordBotApiCalls(bot: Bot): RecordedBotApiCall[] {
  const calls: RecordedBotApiCall[] = [];
  bot.api.config.use(async (_prev, method, payload) => {
    calls.push({ method, payload });
    return { ok: true, result: true } as never;
  });
  return calls;
}
