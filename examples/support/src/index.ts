/**
 * What the examples' tests share, so that each test file holds only what its example does differently.
 * A private workspace package: the examples themselves never import it, so each stays a copyable project.
 */
export { EXAMPLE_BOT_INFO, type RecordedBotApiCall, recordBotApiCalls } from "./recorded-bot.js";
export { EXAMPLE_SECRET, postUpdate, textUpdate } from "./updates.js";
