import { TelehookError } from "./errors.js";
import type { Rejection } from "./rejection.js";
import { assertValidSecretToken } from "./secret-token.js";
import type { Update, UpdateType } from "./update.js";

/** What `onUpdate` gets beside the update. */
export interface UpdateContext {
  /** The update's type key, such as `"message"` or `"callback_query"`. */
  readonly updateType: UpdateType;
}

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
   * Called once for each accepted update. The request is answered 200 when it resolves; if it throws,
   * the request is answered 500 and `onError` is told.
   */
  onUpdate: (update: Update, context: UpdateContext) => unknown;
  /**
   * The largest body accepted, in bytes. Checked against `Content-Length` before reading and again while
   * the body streams in. Telegram's updates are at most about 512 KiB.
   * @default 1048576 (1 MiB)
   */
  maxBodyBytes?: number;
  /** Told of every rejected request: its status and reason. Never given the secret. */
  onReject?: (rejection: Rejection) => void;
  /**
   * Told of every failure of `onUpdate`, with the update it failed on.
   * @default logs the error with `console.error`
   */
  onError?: (error: unknown, update: Update) => void;
}

/** Options after defaults and checks: what the pipeline runs on. */
export interface ResolvedOptions {
  readonly secretTokens: readonly string[] | null;
  readonly onUpdate: WebhookOptions["onUpdate"];
  readonly maxBodyBytes: number;
  readonly onReject: (rejection: Rejection) => void;
  readonly onError: (error: unknown, update: Update) => void;
}

const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

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
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  if (!Number.isSafeInteger(maxBodyBytes) || maxBodyBytes < 1) {
    throw new TelehookError("invalid_options", "maxBodyBytes must be a positive whole number of bytes.");
  }
  return {
    secretTokens: resolveSecretTokens(options),
    onUpdate: options.onUpdate,
    maxBodyBytes,
    onReject: guard(options.onReject, () => {}),
    onError: guard(options.onError, defaultOnError),
  };
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
  hook: ((...args: A) => void) | undefined,
  fallback: (...args: A) => void,
) {
  const run = hook ?? fallback;
  return (...args: A): void => {
    try {
      const returned: unknown = run(...args);
      if (returned instanceof Promise) returned.catch(reportHookFailure);
    } catch (error) {
      reportHookFailure(error);
    }
  };
}

function reportHookFailure(error: unknown): void {
  console.error("@telehook/core: a hook threw; the request was answered all the same.", error);
}

function defaultOnError(error: unknown, update: Update): void {
  console.error(`@telehook/core: onUpdate failed for update ${update.update_id}.`, error);
}
