import { TelehookError } from "../errors.js";
import { type BotApi, createBotApi, DEFAULT_API_ROOT } from "./bot-api-client.js";
import type { EnsureWebhookResult } from "./ensure-webhook.js";
import { isLocalApiRoot } from "./local-mode.js";
import { type ValidatedWebhookConfig, validateWebhookConfig, type WebhookConfig } from "./webhook-config.js";

// What ensureWebhook checks before any network call: its options, and the webhook they describe.
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

const DEFAULT_MAX_WAIT_MS = 30_000;
const MODES: ReadonlySet<string> = new Set<EnsureWebhookMode>(["if-changed", "always", "never"]);

/** The part of {@link ensureWebhook} that needs no network: checked options, ready to run. */
export interface PreparedWebhook {
  /** The Bot API client the registration calls. */
  readonly api: BotApi;
  /** The webhook's settings, checked. */
  readonly config: ValidatedWebhookConfig;
  /** When to call `setWebhook`: `"if-changed"`, `"always"` or `"never"`. */
  readonly mode: EnsureWebhookMode;
  /** The most the whole registration may take, retries included, in milliseconds. */
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
