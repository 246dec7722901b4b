/**
 * `@telehook/testing`: test a Telegram webhook bot offline, the way Telegram will treat it.
 * - `createTelegramEmulator()`: a local Bot API server that delivers updates to your webhook over real HTTP.
 * - update factories for every update type.
 *
 * The adapter conformance suite, which needs vitest, is a separate entry: `@telehook/testing/conformance`.
 *
 * @packageDocumentation
 */

export { type BackoffState, nextRetryDelaySeconds, parseRetryAfter } from "./emulator/backoff.js";
export * from "./emulator/index.js";
export { isIgnoredReplyMethod } from "./emulator/recorded-call.js";
export { type LoopbackServer, listenOnLoopback } from "./helpers/listen-on-loopback.js";
export { type RecordedWebhook, recordUpdates } from "./helpers/record-updates.js";
