/**
 * The local Telegram Bot API emulator and the update factories.
 *
 * @example
 * import { createTelegramEmulator, updates } from "@telehook/testing";
 *
 * const emulator = await createTelegramEmulator({ timeScale: 0.001 });
 * // point the bot at emulator.apiRoot, let it call setWebhook, then:
 * emulator.sendUpdate(updates.message({ text: "/start" }));
 * await emulator.waitForIdle();
 * console.log(emulator.callsTo("sendMessage"), emulator.deliveries);
 * await emulator.close();
 *
 * @module
 */
export * from "../updates/index.js";
export { asciiJson } from "./ascii-json.js";
export { BotApiError, type ResponseParameters } from "./bot-api-error.js";
export type { BotInfo } from "./bot-profile.js";
export { BOT_TOKEN_PATTERN, DEFAULT_BOT_TOKEN } from "./bot-token.js";
export type { ChatInfo, ChatMessage } from "./chat-state.js";
export { createScaledClock, type EmulatorClock } from "./clock.js";
export { createTelegramEmulator } from "./create-emulator.js";
export type { DeliveryRecord, DropReason } from "./delivery-record.js";
export type { MethodHandler } from "./emulated-bot.js";
export type { TelegramEmulatorOptions } from "./emulator-options.js";
export type { UploadedFile } from "./multipart.js";
export { webhookQueueIdOf } from "./queue-key.js";
export type { CallSource, RecordedCall } from "./recorded-call.js";
export type { CallParams } from "./request-params.js";
export type {
  EmulatedBotHandle,
  FloodLimitOptions,
  TelegramEmulator,
  WaitForCallOptions,
  WaitForIdleOptions,
} from "./telegram-emulator.js";
export { SERVER_UPDATE_TYPE_ORDER } from "./update-types.js";
export type { WebhookInfo } from "./webhook-info.js";
