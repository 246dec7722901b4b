/**
 * `@telehook/core/internal`: what the other telehook packages (the adapters, the CLI, the testing kit)
 * share with the core but a user of telehook does not need. Nothing here is covered by semver: it may
 * change in any release, together with the packages that use it.
 *
 * @packageDocumentation
 */
export { redactSecret } from "./bot-api/redact.js";
export { splitFingerprint } from "./bot-api/secret-fingerprint.js";
export { UPDATE_TYPES_IN_SERVER_ORDER } from "./bot-api/update-types.js";
export { displayWebhookUrl } from "./bot-api/webhook-diff.js";
export { queueKeyOf } from "./delivery/queue-key.js";
export { toTelehookError } from "./errors.js";
export { isPlainAnswer } from "./result.js";
export { usesPeerAddress } from "./source-ip.js";
