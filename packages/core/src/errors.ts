/**
 * The one error class telehook throws. Expected request rejections are never thrown: they are results
 * (see {@link Rejection}). A `TelehookError` means a setup mistake the developer has to fix, or a failure
 * reported to a hook.
 */
export type TelehookErrorCode =
  /** An option passed to a telehook function is missing or invalid. */
  | "invalid_options"
  /** `onUpdate` returned a webhook reply that Telegram would ignore or refuse; it was not sent. */
  | "invalid_webhook_reply"
  /** `onUpdate` returned a webhook reply after the request was already answered; it was not sent. */
  | "webhook_reply_too_late"
  /** `onUpdate` returned a Bot API call while `webhookReply` is off; it was not sent. */
  | "webhook_reply_disabled"
  /**
   * The dedupe store threw, rejected, answered something other than a claim result, or did not answer
   * within `storeTimeoutMs`. A failed claim is answered 503 with `Retry-After`, so Telegram keeps the update.
   */
  | "store_failed"
  /** `onUpdate` ran past `maxRunMs`; later updates of its chat no longer wait for it. */
  | "handler_timeout"
  /** A `setWebhook`/`ensureWebhook` setting breaks Telegram's rules; found locally, before any call. */
  | "invalid_webhook_config"
  /** The Bot API answered `ok: false`. Thrown as a `TelegramApiError`, which carries the details. */
  | "telegram_api_error"
  /** The Bot API server could not be reached, timed out, or answered something that is not a Bot API reply. */
  | "bot_api_request_failed"
  /** The `signal` passed in was aborted. */
  | "aborted";

/** Where each error code is explained: `docs/errors/<code>.md` in the repository, on its main branch. */
const ERROR_PAGES = "https://github.com/telehook/telehook/blob/main/docs/errors/";

/** The page that explains `code`: what it means, common causes and what to do. */
export function errorPageUrl(code: TelehookErrorCode): string {
  return `${ERROR_PAGES}${code}.md`;
}

/**
 * An error raised by telehook. Its message starts with the package name, ends with a link to the page that
 * explains its code, and never contains a secret.
 */
export class TelehookError extends Error {
  /** Always `"TelehookError"`, for a `TelegramApiError` too: tell them apart with `instanceof` or `code`. */
  override readonly name = "TelehookError";
  /** What kind of error it is; stable across versions, safe to switch on. Its page is `errorPageUrl(code)`. */
  readonly code: TelehookErrorCode;
  /** The message without the package name in front, for places that already say where it comes from. */
  readonly detail: string;

  /**
   * @param detail What went wrong and what to do; the package name is put in front of it and the link to
   *   the code's page after it.
   * @param options `source`: the package raising it, `@telehook/core` unless another package says so.
   */
  constructor(
    code: TelehookErrorCode,
    detail: string,
    options?: {
      /** The error that led to this one, kept as the standard `cause`. */
      cause?: unknown;
      /** The package raising it, put in front of the message; `@telehook/core` when left out. */
      source?: string;
    },
  ) {
    super(`${options?.source ?? "@telehook/core"}: ${detail} (see ${errorPageUrl(code)})`, options);
    this.code = code;
    this.detail = detail;
  }
}

/**
 * `caught` when it is a `TelehookError`, else a `TelehookError` of `code` saying `detail`, with `caught` as
 * its cause: hooks and callers then only ever see telehook's own error class.
 */
export function toTelehookError(caught: unknown, code: TelehookErrorCode, detail: string): TelehookError {
  return caught instanceof TelehookError ? caught : new TelehookError(code, detail, { cause: caught });
}

/**
 * Calls a hook the user gave (`onReject`, `onError`, `setWebhook.onResult`…) so that nothing it does can
 * change an answer: a throw, or a promise that rejects, is logged and ignored.
 */
export function callHookSafely<A extends unknown[]>(
  name: string,
  hook: ((...args: A) => unknown) | undefined,
  ...args: A
): void {
  if (typeof hook !== "function") return;
  try {
    const returned: unknown = hook(...args);
    if (returned instanceof Promise) returned.catch((error: unknown) => reportHookFailure(name, error));
  } catch (error) {
    reportHookFailure(name, error);
  }
}

function reportHookFailure(name: string, error: unknown): void {
  console.error(`@telehook/core: the ${name} hook threw; telehook went on all the same.`, error);
}
