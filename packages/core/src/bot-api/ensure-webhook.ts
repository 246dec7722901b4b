import type { WebhookInfo } from "@grammyjs/types";
import { callHookSafely, TelehookError, toTelehookError } from "../errors.js";
import type { BotApi, BotApiParams } from "./bot-api-client.js";
import { type EnsureWebhookOptions, type PreparedWebhook, prepareWebhook } from "./prepare-webhook.js";
import { backoffDelay, retryAfterDelay, sleep } from "./retry.js";
import { webhookFingerprint, withFingerprint } from "./secret-fingerprint.js";
import { TelegramApiError } from "./telegram-api-error.js";
import type { ValidatedWebhookConfig } from "./webhook-config.js";
import { type DesiredWebhook, diffWebhookInfo, type WebhookDifference } from "./webhook-diff.js";

/**
 * Why {@link ensureWebhook} did what it did:
 * - `"up_to_date"`: Telegram already had this webhook; nothing was called.
 * - `"updated"`: something differed (see `differences`) and `setWebhook` succeeded.
 * - `"forced"`: nothing differed, `mode` was `"always"`, and `setWebhook` succeeded.
 * - `"set_meanwhile"`: a call was refused (429, 409) or failed, and re-reading `getWebhookInfo` showed the
 *   webhook as configured: another instance (or the unanswered call) set it. Nothing more was called.
 * - `"out_of_date"`: `mode` was `"never"` and something differs.
 */
export type EnsureWebhookReason = "up_to_date" | "updated" | "forced" | "set_meanwhile" | "out_of_date";

/** What {@link ensureWebhook} found and did. Holds no secret. */
export interface EnsureWebhookResult {
  /** True when this call's `setWebhook` succeeded, i.e. this instance (re)registered the webhook. */
  readonly changed: boolean;
  /** Why; see {@link EnsureWebhookReason}. */
  readonly reason: EnsureWebhookReason;
  /** What differed when `getWebhookInfo` was first read; empty when the webhook was up to date. */
  readonly differences: readonly WebhookDifference[];
  /** `getWebhookInfo` as of the end: after a successful `setWebhook`, read again. */
  readonly info: WebhookInfo;
  /** The URL registered (or to register), with its `telehook=` fingerprint parameter. */
  readonly url: string;
  /** How many times `setWebhook` was called, including refused attempts. */
  readonly setWebhookCalls: number;
}

/**
 * Makes sure Telegram has the configured webhook, calling `setWebhook` only when something differs —
 * so any number of instances can run it at every start.
 *
 * 1. Validates everything locally first: a bad URL, port, host, secret or limit fails without any call.
 * 2. Reads `getWebhookInfo` and compares URL, secret (through the URL's `telehook=` fingerprint, see
 *    `webhookFingerprint`), certificate, and `max_connections`, `ip_address` and `allowed_updates` when
 *    configured.
 * 3. Calls `setWebhook` only if something differs (or `mode: "always"`).
 * 4. On a 429 it waits `retry_after` plus jitter and starts again from step 2, so when another instance
 *    has set the webhook meanwhile no call is made. A 409, a 5xx or a network failure is retried the same
 *    way with exponential backoff. A 400/401/403/404 is not retried. All of it is bounded by `maxWaitMs`.
 *
 * It never calls `deleteWebhook` and sends `drop_pending_updates` only if `dropPendingUpdates` is `true`.
 * It rejects with a TelehookError (a {@link TelegramApiError} for Telegram's refusals), whose message never
 * contains the token or the secret. For a variant that never rejects, use `createWebhookRegistration`.
 *
 * @example
 * const result = await ensureWebhook({
 *   token: process.env.TELEGRAM_BOT_TOKEN,
 *   url: "https://bot.example.com/telegram",
 *   secretToken: process.env.WEBHOOK_SECRET,
 *   allowedUpdates: ["message", "callback_query"],
 * });
 * console.log(result.reason); // "up_to_date" on every start after the first
 */
export async function ensureWebhook(options: EnsureWebhookOptions): Promise<EnsureWebhookResult> {
  try {
    const result = await runPrepared(prepareWebhook(options), options.signal);
    callHookSafely("ensureWebhook.onResult", options?.onResult, result);
    return result;
  } catch (caught) {
    const error = toTelehookError(caught, "bot_api_request_failed", "ensureWebhook failed unexpectedly.");
    callHookSafely("ensureWebhook.onError", options?.onError, error);
    throw error;
  }
}

/** Runs a prepared {@link ensureWebhook}; used by `createWebhookRegistration`, which prepares up front. */
export async function runPrepared(
  prepared: PreparedWebhook,
  signal?: AbortSignal,
): Promise<EnsureWebhookResult> {
  const { api, config, mode, maxWaitMs } = prepared;
  const desired = await desiredWebhook(config);
  const params = setWebhookParams(config, desired.url);
  const started = Date.now();
  const deadline = started + maxWaitMs;
  const remaining = () => deadline - Date.now();

  let firstDifferences: WebhookDifference[] | undefined;
  let setWebhookCalls = 0;
  let retries = 0;
  let interrupted = false;

  for (;;) {
    if (signal?.aborted) throw new TelehookError("aborted", "ensureWebhook was aborted by its signal.");
    try {
      const info = await api.getWebhookInfo({ signal, timeoutMs: Math.max(1, remaining()) });
      const differences = diffWebhookInfo(info, desired);
      firstDifferences ??= differences;
      const result = (reason: EnsureWebhookReason, changed: boolean, latest: WebhookInfo) => ({
        changed,
        reason,
        differences: firstDifferences ?? differences,
        info: latest,
        url: desired.url,
        setWebhookCalls,
      });
      if (mode === "never") return result(differences.length > 0 ? "out_of_date" : "up_to_date", false, info);
      if (differences.length === 0 && (mode === "if-changed" || interrupted)) {
        return result(interrupted ? "set_meanwhile" : "up_to_date", false, info);
      }
      setWebhookCalls++;
      interrupted = true;
      await api.setWebhook(params, { signal, timeoutMs: Math.max(1, remaining()) });
      const latest = await readAfterSet(api, info, desired, signal, remaining());
      return result(firstDifferences.length > 0 ? "updated" : "forced", true, latest);
    } catch (error) {
      const delay = retryDelay(error, retries++);
      if (delay === null) throw error;
      if (delay >= remaining()) throw gaveUp(error, retries, Date.now() - started, maxWaitMs);
      await sleep(delay, signal, "ensureWebhook");
    }
  }
}

/** How long to wait before trying again after `error`, or `null` when it is not worth retrying. */
function retryDelay(error: unknown, retries: number): number | null {
  if (error instanceof TelegramApiError) {
    if (error.errorCode === 429) return retryAfterDelay(error.retryAfter ?? 1);
    // 409: a newer setWebhook (another instance) superseded this one; 5xx: a server hiccup.
    if (error.errorCode === 409 || error.errorCode >= 500) return backoffDelay(retries);
    return null;
  }
  if (error instanceof TelehookError && error.code === "bot_api_request_failed") return backoffDelay(retries);
  return null;
}

function gaveUp(error: unknown, attempts: number, elapsed: number, maxWaitMs: number): unknown {
  const note = `ensureWebhook gave up after ${attempts} attempt${attempts === 1 ? "" : "s"} in ${elapsed} ms; maxWaitMs is ${maxWaitMs}`;
  if (error instanceof TelegramApiError) return new TelegramApiError(error, note);
  if (error instanceof TelehookError) {
    return new TelehookError(error.code, `${error.detail} (${note})`);
  }
  return error;
}

/** After a successful setWebhook, the fresh state; if reading it fails, the state as it must now be. */
async function readAfterSet(
  api: BotApi,
  before: WebhookInfo,
  desired: DesiredWebhook,
  signal: AbortSignal | undefined,
  remainingMs: number,
): Promise<WebhookInfo> {
  try {
    return await api.getWebhookInfo({ signal, timeoutMs: Math.max(1000, remainingMs) });
  } catch {
    return {
      ...before,
      url: desired.url,
      has_custom_certificate: desired.hasCertificate,
      ...(desired.maxConnections !== undefined ? { max_connections: desired.maxConnections } : {}),
    };
  }
}

async function desiredWebhook(config: ValidatedWebhookConfig): Promise<DesiredWebhook> {
  const fingerprint = await webhookFingerprint(config);
  return {
    url: withFingerprint(config.baseUrl, fingerprint),
    baseUrl: config.baseUrl,
    fingerprint,
    hasCertificate: config.certificate !== undefined,
    maxConnections: config.maxConnections,
    ipAddress: config.ipAddress,
    allowedUpdates: config.allowedUpdates,
  };
}

function setWebhookParams(config: ValidatedWebhookConfig, url: string): BotApiParams<"setWebhook"> {
  return {
    url,
    ...(config.secretToken !== undefined ? { secret_token: config.secretToken } : {}),
    ...(config.maxConnections !== undefined ? { max_connections: config.maxConnections } : {}),
    ...(config.ipAddress !== undefined ? { ip_address: config.ipAddress } : {}),
    // Telegram takes the Bot API 10.4 names (widget_query, …), which @grammyjs/types (10.3) does not list.
    ...(config.allowedUpdates !== undefined
      ? { allowed_updates: config.allowedUpdates as BotApiParams<"setWebhook">["allowed_updates"] }
      : {}),
    ...(config.dropPendingUpdates ? { drop_pending_updates: true } : {}),
    ...(config.certificate !== undefined ? { certificate: config.certificate } : {}),
  };
}
