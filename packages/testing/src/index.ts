/**
 * `@telehook/testing`: test a Telegram webhook bot offline, the way Telegram will treat it.
 * - `createTelegramEmulator()`: a local Bot API server that delivers updates to your webhook over real HTTP.
 * - update factories for every update type.
 * - the adapter conformance suite, which any telehook adapter (ours or yours) can run.
 *
 * @packageDocumentation
 */
export * from "./conformance/index.js";
export * from "./emulator/index.js";
