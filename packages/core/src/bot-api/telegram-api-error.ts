import { TelehookError } from "../errors.js";

/** What a Bot API error reply holds, as {@link TelegramApiError} carries it. */
export interface TelegramApiErrorDetails {
  /** The Bot API method that failed, such as `"setWebhook"`. */
  readonly method: string;
  /** Telegram's `error_code`, which equals the HTTP status: 400, 401, 403, 404, 409, 429, 5xx. */
  readonly errorCode: number;
  /** Telegram's `description`, such as `"Too Many Requests: retry after 1"`. */
  readonly description: string;
  /** `parameters.retry_after` (or the `Retry-After` header): seconds to wait before repeating the call. */
  readonly retryAfter?: number | undefined;
  /** `parameters.migrate_to_chat_id`: the group became a supergroup with this id. */
  readonly migrateToChatId?: number | undefined;
}

/**
 * The Bot API answered `ok: false`. It is a {@link TelehookError} with code `"telegram_api_error"`, so one
 * `instanceof TelehookError` check covers every telehook failure; `instanceof TelegramApiError` narrows to
 * Telegram's own answers. Its message and properties never contain the bot token.
 *
 * @example
 * try {
 *   await api.setWebhook({ url });
 * } catch (error) {
 *   if (error instanceof TelegramApiError && error.retryAfter !== undefined) await sleep(error.retryAfter * 1000);
 * }
 */
export class TelegramApiError extends TelehookError implements TelegramApiErrorDetails {
  /** {@inheritDoc TelegramApiErrorDetails.method} */
  readonly method: string;
  /** {@inheritDoc TelegramApiErrorDetails.errorCode} */
  readonly errorCode: number;
  /** {@inheritDoc TelegramApiErrorDetails.description} */
  readonly description: string;
  /** {@inheritDoc TelegramApiErrorDetails.retryAfter} */
  readonly retryAfter: number | undefined;
  /** {@inheritDoc TelegramApiErrorDetails.migrateToChatId} */
  readonly migrateToChatId: number | undefined;

  /** `note`, if given, is added to the message in parentheses, e.g. how long telehook kept retrying. */
  constructor(details: TelegramApiErrorDetails, note?: string) {
    super(
      "telegram_api_error",
      `Telegram answered ${details.method} with ${details.errorCode}: ${details.description}${note ? ` (${note})` : ""}`,
    );
    this.method = details.method;
    this.errorCode = details.errorCode;
    this.description = details.description;
    this.retryAfter = details.retryAfter;
    this.migrateToChatId = details.migrateToChatId;
  }
}
