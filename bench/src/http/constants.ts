/** What every benchmark server and the load generator agree on. */

/** The secret token every server checks, as `setWebhook` would have set it. */
export const SECRET_TOKEN = "bench_secret_token_0123456789";

/** Where every server answers. */
export const WEBHOOK_PATH = "/bot";

/** Telegram's secret token header. */
export const SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token";

/** grammY's bot: a token and a getMe result, so it never calls the network. */
export const BOT_TOKEN = "123456789:AAbenchmarkTokenNotUsedForAnyNetworkCall";
export const BOT_INFO = {
  id: 123456789,
  is_bot: true as const,
  first_name: "Bench",
  username: "bench_bot",
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
