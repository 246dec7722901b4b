import {
  type PreparedRegistration,
  prepareSetWebhook,
  type WebhookRegistrationConfig,
} from "./bot-api/webhook-registration.js";
import type { DeliveryOptions } from "./delivery/deliver-update.js";
import type { DeliveryStore } from "./delivery/delivery-store.js";
import { createOwnStore } from "./delivery/done-window.js";
import type { ErrorPolicy } from "./delivery/error-policy.js";
import { callHookSafely, TelehookError } from "./errors.js";
import { createEvents, type WebhookInstrumentation } from "./events.js";
import { createLogInstrumentation, type LogLevel, type WebhookLogger } from "./logger.js";
import type { ReadLimits } from "./read-body.js";
import type { Rejection } from "./rejection.js";
import { assertValidSecretToken } from "./secret-token.js";
import { createSourceIpCheck, type SourceIpOptions } from "./source-ip.js";
import { createStatsCollector } from "./stats.js";
import type { Update, UpdateContext, UpdateHandler } from "./update.js";

/** Options of `createWebhookHandler`, `createFetchHandler` and every adapter's `telegramWebhook`. */
export interface WebhookOptions {
  /**
   * The secret token given to `setWebhook`, which Telegram sends back in `X-Telegram-Bot-Api-Secret-Token`.
   * Pass an array to accept several during a rotation. Each must be 1–256 characters from
   * `A-Z a-z 0-9 _ -`; anything else, such as a bot token, throws when the handler is built.
   * Required unless `allowUnauthenticated` is `true`.
   * @see https://github.com/telehook/telehook#secret-token
   */
  secretToken?: string | readonly string[];
  /**
   * Accept requests without checking the secret token. Anyone who finds the URL can then send updates,
   * so only use it behind another check.
   * @default false
   */
  allowUnauthenticated?: boolean;
  /**
   * Called once for each accepted update. The request is answered 200 when it resolves, or when
   * `deadlineMs` passes first; a failure is handled by `errorPolicy`. With `webhookReply: true` it may
   * return a Bot API call to send in the response.
   */
  onUpdate: UpdateHandler;
  /**
   * The largest body accepted, in bytes. Checked against `Content-Length` before reading and again while
   * the body streams in. Telegram's updates are at most about 512 KiB.
   * @default 1048576 (1 MiB)
   */
  maxBodyBytes?: number;
  /**
   * How long a streamed body may take to arrive in full. A client that trickles its body or stops
   * half-way gets 408 instead of holding the request open. Telegram sends an update in one go.
   * @default 10000
   */
  bodyTimeoutMs?: number;
  /** Told of every rejected request: its status and reason. Never given the secret. */
  onReject?: (rejection: Rejection) => void;
  /**
   * Told of every failure of `onUpdate`, with the update it failed on, and of webhook replies that could
   * not be sent.
   * @default logs the error with `console.error`
   */
  onError?: (error: unknown, update: Update) => void;
  /**
   * How long to wait for `onUpdate` before answering 200 anyway and letting it finish in the background.
   * Telegram gives up on a request after 60 s and then sends the update again at once, so this stays well
   * below that. Waiting behind an earlier update of the same chat counts too: an update that has not started
   * when its deadline comes is answered 503 with `Retry-After` instead (nothing is acknowledged before it
   * started), so Telegram keeps it and sends it again.
   * @default 25000
   */
  deadlineMs?: number;
  /**
   * How long one run of `onUpdate` may take before it counts as stuck (a fetch with no timeout, a promise
   * that never settles). A stuck run is reported to `onError` with a `TelehookError` of code
   * `"handler_timeout"`, and its chat's later updates stop waiting for it; it is no longer counted by
   * `close()`. Must be more than `deadlineMs`.
   * @default 300000 (5 minutes)
   */
  maxRunMs?: number;
  /**
   * How many updates may wait behind an earlier update of the same chat (or user, or poll). Telegram sends
   * a chat's next update only after a 2xx, so more than one waits only with copies from several senders.
   * Past it, an update is answered 503 with `Retry-After` before anything runs.
   * @default 10
   */
  maxQueuedPerChat?: number;
  /**
   * How many updates may wait behind their chats' earlier updates, all chats together. Past it, an update
   * that would have to wait is answered 503 with `Retry-After`.
   * @default 1000
   */
  maxQueued?: number;
  /**
   * How many runs of `onUpdate` may be going at once, including those the deadline already answered. Past
   * it, a new update is answered 503 `overloaded` with `Retry-After` before anything runs, and Telegram keeps
   * it. Telegram opens at most 100 connections, so more than this means handlers pile up.
   * @default 1000
   */
  maxInFlight?: number;
  /**
   * Consumers of the webhook's events (received, started, finished, failed, refused, shed…), such as
   * `openTelemetry()` from `@telehook/opentelemetry`. Events never carry a body, a secret, a token or message
   * text; chat and user ids only for a consumer that sets `includeIds`.
   * @see https://github.com/telehook/telehook#observability
   */
  instrumentation?: WebhookInstrumentation | readonly WebhookInstrumentation[];
  /**
   * A logger for the webhook's events (`console`, pino, winston…). Quiet without one.
   * @see https://github.com/telehook/telehook#observability
   */
  logger?: WebhookLogger;
  /**
   * The least severe events `logger` gets: `debug` (every update), `info` (early answers, duplicates),
   * `warn` (rejections, failures), `error` (dead letters, stuck runs, store failures).
   * @default "info"
   */
  logLevel?: LogLevel;
  /**
   * Count outcomes for `handler.stats()` (per outcome and reason, the oldest run's age, the store's health).
   * Off by default, so that a webhook nobody watches builds no event at all; `handler.stats()` then still
   * tells the updates in flight and queued.
   * @default false
   */
  stats?: boolean;
  /**
   * How long one call to the store may take. A store that fails or does not answer in time makes the
   * update's claim fail: it is answered 503 with `Retry-After` (fail closed), and `onError` is told.
   * @default 5000
   */
  storeTimeoutMs?: number;
  /**
   * Where running and handled updates are recorded, for deduplication and per-chat order. The default
   * remembers them in this process's memory. Pass a shared store (`createRedisStore` from `@telehook/redis`)
   * to run several instances or serverless functions: a copy of an update is then handled once across all
   * of them, and a chat's updates run one at a time across all of them.
   * @default a private store in this process's memory, remembering the last 10,000 handled updates
   * @see https://github.com/telehook/telehook#several-instances
   */
  store?: DeliveryStore;
  /**
   * How long a claim on an update and its chat lasts in the store unless renewed. A run that outlives the
   * deadline renews it every third of this; an instance that dies stops renewing, and its updates can run
   * elsewhere once it expires. Must be more than `deadlineMs`.
   * @default 30000
   */
  leaseMs?: number;
  /**
   * How long the store remembers a handled update, so that a copy sent again is acknowledged without running.
   * Telegram keeps an undelivered update for at most 24 hours.
   * @default 86400000 (24 hours)
   */
  retentionMs?: number;
  /**
   * Called with the handler's promise when the answer goes out before the handler is done, so a
   * serverless platform keeps running it: pass `ctx.waitUntil` on Workers or Vercel.
   */
  waitUntil?: (promise: Promise<unknown>) => void;
  /** Told when `deadlineMs` passed and the update was acknowledged while `onUpdate` still runs. */
  onDeadline?: (update: Update, context: UpdateContext) => void;
  /**
   * Handle each `update_id` once, even when Telegram delivers it again after a slow or lost answer, through
   * `store`. `false` turns the store off: every copy runs, and order is kept within this process only.
   * @default true
   */
  dedupe?: boolean;
  /**
   * What a failure of `onUpdate` leads to. See {@link ErrorPolicy}.
   * @default "bounded-retry"
   */
  errorPolicy?: ErrorPolicy;
  /**
   * With `"bounded-retry"`, how many times one update may fail before it is acknowledged and handed to
   * `onDeadLetter`.
   * @default 3
   */
  maxAttempts?: number;
  /**
   * The `Retry-After` sent with a retry, a duplicate in progress or a shutdown. Telegram waits that many
   * seconds before the next attempt instead of its own backoff.
   * @default 5
   */
  retryAfterSeconds?: number;
  /**
   * Told of an update that failed and will not be delivered again: the retry budget is spent, the policy
   * said acknowledge, or it failed after the deadline had already acknowledged it.
   * @default logs the update id with `console.error`
   */
  onDeadLetter?: (update: Update, error: unknown) => void;
  /**
   * Send the Bot API call that `onUpdate` returns as the response body (Telegram runs it and never tells
   * the result). Off by default because such calls fail silently.
   * @default false
   */
  webhookReply?: boolean;
  /**
   * Only accept requests from these source addresses. Off by default: behind a CDN or proxy the peer is
   * not Telegram. Set `trustedProxyHops` to the number of proxies you run.
   */
  sourceIp?: SourceIpOptions;
  /**
   * Register the webhook with Telegram once, shortly after start-up, only if something differs from what
   * `getWebhookInfo` reports (see `ensureWebhook`). The secret registered is `secretToken` (the first one
   * during a rotation), so the check and the registration cannot drift apart. Failures never crash the
   * app: they go to `setWebhook.onError` and the `ready` promise, and the webhook keeps serving.
   * @example setWebhook: { token: process.env.TELEGRAM_BOT_TOKEN, url: "https://bot.example.com/bot" }
   */
  setWebhook?: WebhookRegistrationConfig;
}

/** Options after defaults and checks: what the pipeline runs on. Delivery reads its own part of them. */
export interface ResolvedOptions extends DeliveryOptions {
  /** The accepted secret tokens, the one to register first; `null` when no `secretToken` is given. */
  readonly secretTokens: readonly string[] | null;
  /** `maxBodyBytes` (default 1 MiB) and `bodyTimeoutMs` (default 10000). */
  readonly readLimits: ReadLimits;
  /** The collector behind `handler.stats()`, or `null` unless the `stats` option is true. */
  readonly stats: ReturnType<typeof createStatsCollector> | null;
  /** The `setWebhook` option, checked with the same secret tokens as the requests, or `null`. */
  readonly registration: PreparedRegistration | null;
  /** The `sourceIp` allowlist's check, or `null` without that option. */
  readonly sourceAllowed: ReturnType<typeof createSourceIpCheck> | null;
}

const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;
const ERROR_POLICIES: readonly unknown[] = ["bounded-retry", "retry", "acknowledge"];

/** Applies defaults and throws a `TelehookError` naming the option to fix. */
export function resolveOptions(options: WebhookOptions): ResolvedOptions {
  if (typeof options !== "object" || options === null) {
    throw new TelehookError(
      "invalid_options",
      "options must be an object with at least onUpdate and secretToken.",
    );
  }
  if (typeof options.onUpdate !== "function") {
    throw new TelehookError("invalid_options", "onUpdate must be a function that handles one update.");
  }
  const maxBodyBytes = wholeNumber(options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES, "maxBodyBytes", 1);
  const errorPolicy = options.errorPolicy ?? "bounded-retry";
  if (typeof errorPolicy !== "function" && !ERROR_POLICIES.includes(errorPolicy)) {
    throw new TelehookError(
      "invalid_options",
      'errorPolicy must be "bounded-retry", "retry", "acknowledge" or a function.',
    );
  }
  const deadlineMs = wholeNumber(options.deadlineMs ?? 25_000, "deadlineMs", 1);
  const secretTokens = resolveSecretTokens(options);
  return {
    secretTokens,
    // During a rotation the first secret is registered, so the new one is listed first.
    registration: options.setWebhook ? prepareSetWebhook(options.setWebhook, secretTokens?.[0]) : null,
    onUpdate: options.onUpdate,
    readLimits: {
      maxBytes: maxBodyBytes,
      timeoutMs: wholeNumber(options.bodyTimeoutMs ?? 10_000, "bodyTimeoutMs", 1),
    },
    onReject: guard("onReject", options.onReject, () => {}),
    onError: guard("onError", options.onError, defaultOnError),
    deadlineMs,
    maxRunMs: wholeNumber(options.maxRunMs ?? Math.max(300_000, deadlineMs + 1), "maxRunMs", deadlineMs + 1),
    queueLimits: {
      perKey: wholeNumber(options.maxQueuedPerChat ?? 10, "maxQueuedPerChat", 0),
      total: wholeNumber(options.maxQueued ?? 1000, "maxQueued", 0),
    },
    maxInFlight: wholeNumber(options.maxInFlight ?? 1000, "maxInFlight", 1),
    ...resolveEvents(options),
    storeTimeoutMs: wholeNumber(options.storeTimeoutMs ?? 5000, "storeTimeoutMs", 1),
    waitUntil: options.waitUntil ? guard("waitUntil", options.waitUntil, () => {}) : undefined,
    onDeadline: guard("onDeadline", options.onDeadline, () => {}),
    store: options.dedupe === false ? null : resolveStore(options.store),
    ownStore: options.dedupe !== false && options.store === undefined,
    leaseMs: wholeNumber(options.leaseMs ?? Math.max(30_000, deadlineMs + 1), "leaseMs", deadlineMs + 1),
    retentionMs: wholeNumber(options.retentionMs ?? 86_400_000, "retentionMs", 1),
    errorPolicy,
    maxAttempts: wholeNumber(options.maxAttempts ?? 3, "maxAttempts", 1),
    retryAfterSeconds: wholeNumber(options.retryAfterSeconds ?? 5, "retryAfterSeconds", 0),
    onDeadLetter: guard("onDeadLetter", options.onDeadLetter, defaultOnDeadLetter),
    webhookReply: options.webhookReply === true,
    sourceAllowed: options.sourceIp ? createSourceIpCheck(options.sourceIp) : null,
  };
}

function wholeNumber(value: number, name: string, minimum: number): number {
  if (!Number.isSafeInteger(value) || value < minimum) {
    throw new TelehookError("invalid_options", `${name} must be a whole number, at least ${minimum}.`);
  }
  return value;
}

function resolveEvents(options: WebhookOptions): Pick<ResolvedOptions, "events" | "stats"> {
  const stats = options.stats === true ? createStatsCollector() : null;
  const given = options.instrumentation;
  const consumers =
    given === undefined ? [] : Array.isArray(given) ? [...given] : [given as WebhookInstrumentation];
  for (const consumer of consumers) {
    if (typeof consumer !== "object" || consumer === null || typeof consumer.onEvent !== "function") {
      throw new TelehookError(
        "invalid_options",
        "each instrumentation must be an object with an onEvent method.",
      );
    }
  }
  if (options.logger !== undefined)
    consumers.push(createLogInstrumentation(options.logger, options.logLevel));
  if (stats) consumers.push(stats.instrumentation);
  return { events: createEvents(consumers), stats };
}

function resolveStore(store: DeliveryStore | undefined): DeliveryStore {
  if (store === undefined) return createOwnStore();
  const methods = ["claim", "renew", "confirm", "release"] as const;
  if (
    typeof store !== "object" ||
    store === null ||
    methods.some((name) => typeof store[name] !== "function")
  ) {
    throw new TelehookError(
      "invalid_options",
      "store must be a DeliveryStore with claim, renew, confirm and release methods, such as createMemoryStore() or createRedisStore() from @telehook/redis.",
    );
  }
  return store;
}

function resolveSecretTokens(options: WebhookOptions): readonly string[] | null {
  const { secretToken, allowUnauthenticated } = options;
  if (secretToken === undefined) {
    if (allowUnauthenticated === true) return null;
    throw new TelehookError(
      "invalid_options",
      "secretToken is required: pass the secret_token you give setWebhook, or set allowUnauthenticated: true to accept requests from anyone.",
    );
  }
  const tokens = typeof secretToken === "string" ? [secretToken] : secretToken;
  if (!Array.isArray(tokens) || tokens.length === 0) {
    throw new TelehookError(
      "invalid_options",
      "secretToken must be a string or a non-empty array of strings.",
    );
  }
  tokens.forEach((token, index) => {
    assertValidSecretToken(token, typeof secretToken === "string" ? "secretToken" : `secretToken[${index}]`);
  });
  return tokens;
}

/** Wraps a user hook so that its own failure never escapes into the request. */
function guard<A extends unknown[]>(
  name: string,
  hook: ((...args: A) => void) | undefined,
  fallback: (...args: A) => void,
) {
  const run = hook ?? fallback;
  return (...args: A): void => callHookSafely(name, run, ...args);
}

function defaultOnError(error: unknown, update: Update): void {
  console.error(`@telehook/core: onUpdate failed for update ${update.update_id}.`, error);
}

function defaultOnDeadLetter(update: Update): void {
  console.error(
    `@telehook/core: update ${update.update_id} failed and will not be delivered again (pass onDeadLetter to keep it).`,
  );
}
