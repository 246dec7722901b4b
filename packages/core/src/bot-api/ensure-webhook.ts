import type { WebhookInfo } from "@grammyjs/types";
import { callHookSafely, TelehookError, toTelehookError } from "../errors.js";
import { type BotApi, type BotApiParams, createBotApi, DEFAULT_API_ROOT } from "./bot-api-client.js";
import { isLocalApiRoot } from "./local-mode.js";
import { backoffDelay, retryAfterDelay, sleep } from "./retry.js";
import { webhookFingerprint, withFingerprint } from "./secret-fingerprint.js";
import { TelegramApiError } from "./telegram-api-error.js";
import { type ValidatedWebhookConfig, validateWebhookConfig, type WebhookConfig } from "./webhook-config.js";
import { type DesiredWebhook, diffWebhookInfo, type WebhookDifference } from "./webhook-diff.js";

/**
 * When {@link ensureWebhook} calls `setWebhook`:
 * - `"if-changed"`: only when `getWebhookInfo` differs from the config.
 * - `"always"`: even when nothing differs (to re-upload a certificate, or to drop pending updates now). If
 *   a 429 interrupts it and the re-read then matches, another instance has just set the same webhook, and
 *   no second call is made.
 * - `"never"`: only read and compare; the result says whether the webhook is up to date.
 */
export type EnsureWebhookMode = "if-changed" | "always" | "never";

/** Options of {@link ensureWebhook}: the webhook config plus how to reach Telegram and how long to try. */
export interface EnsureWebhookOptions extends WebhookConfig {
  /** The bot token from @BotFather. Never appears in an error, a result or a log line. */
  token: string;
  /**
   * The Bot API server, e.g. a local `telegram-bot-api` server or `@telehook/testing`'s emulator.
   * @default "https://api.telegram.org"
   */
  apiRoot?: string | undefined;
  /**
   * Whether `apiRoot` is a local Bot API server (`telegram-bot-api --local`), whose rules are relaxed: http
   * URLs, any port, private and IPv6 addresses, and up to 100000 connections are allowed.
   * @default true when `apiRoot`'s host is loopback, private, link-local, `localhost`, a single-label name
   * (a Docker service) or ends in `.localhost`/`.local`/`.internal`/`.lan`/`.home.arpa`; false otherwise,
   * including for the official server. Set it explicitly for a local server behind a public name.
   */
  local?: boolean | undefined;
  /**
   * The `fetch` to call.
   * @default the global `fetch`
   */
  fetch?: typeof fetch | undefined;
  /**
   * When to call `setWebhook`; see {@link EnsureWebhookMode}.
   * @default "if-changed"
   */
  mode?: EnsureWebhookMode | undefined;
  /**
   * The most time, in milliseconds, spent in total: requests, waits after a 429 (`retry_after` plus jitter)
   * and backoff after network failures. When the next wait would pass it, the promise rejects at once with
   * the last error.
   * @default 30000
   */
  maxWaitMs?: number | undefined;
  /**
   * Stops waiting and requests; the promise then rejects with a TelehookError of code `"aborted"`.
   * @default undefined (runs until done or `maxWaitMs`)
   */
  signal?: AbortSignal | undefined;
  /**
   * Told of the result when the webhook is confirmed or set. A throwing hook is logged, not rethrown.
   * @default undefined
   */
  onResult?: ((result: EnsureWebhookResult) => void) | undefined;
  /**
   * Told of the error before the promise rejects with it. A throwing hook is logged, not rethrown.
   * (`createWebhookRegistration` logs the error with `console.error` when this is not given.)
   * @default undefined
   */
  onError?: ((error: TelehookError) => void) | undefined;
}

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

const DEFAULT_MAX_WAIT_MS = 30_000;
const MODES: ReadonlySet<string> = new Set<EnsureWebhookMode>(["if-changed", "always", "never"]);

/** The part of {@link ensureWebhook} that needs no network: checked options, ready to run. */
export interface PreparedWebhook {
  readonly api: BotApi;
  readonly config: ValidatedWebhookConfig;
  readonly mode: EnsureWebhookMode;
  readonly maxWaitMs: number;
}

/**
 * Checks every option of {@link ensureWebhook} without any network call. Throws a TelehookError with code
 * `"invalid_options"` (token, apiRoot, mode, maxWaitMs) or `"invalid_webhook_config"` (the webhook).
 */
export function prepareWebhook(options: EnsureWebhookOptions): PreparedWebhook {
  if (typeof options !== "object" || options === null) {
    throw new TelehookError("invalid_options", "ensureWebhook needs an options object with token and url.");
  }
  const mode = options.mode ?? "if-changed";
  if (!MODES.has(mode)) {
    throw new TelehookError("invalid_options", 'mode must be "if-changed", "always" or "never".');
  }
  const maxWaitMs = options.maxWaitMs ?? DEFAULT_MAX_WAIT_MS;
  if (typeof maxWaitMs !== "number" || !Number.isFinite(maxWaitMs) || maxWaitMs <= 0) {
    throw new TelehookError("invalid_options", "maxWaitMs must be a positive number of milliseconds.");
  }
  if (options.local !== undefined && typeof options.local !== "boolean") {
    throw new TelehookError("invalid_options", "local must be true or false.");
  }
  const api = createBotApi({
    token: options.token,
    apiRoot: options.apiRoot ?? DEFAULT_API_ROOT,
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
  const local = options.local ?? isLocalApiRoot(api.apiRoot);
  return { api, config: validateWebhookConfig(options, { local }), mode, maxWaitMs };
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
