/** `ResponseParameters` of a failed Bot API call. */
export interface ResponseParameters {
  /** The group was upgraded to a supergroup with this id. */
  migrate_to_chat_id?: number;
  /** Seconds to wait before repeating the request. */
  retry_after?: number;
}

/**
 * A Bot API error reply: `{"ok":false,"error_code":…,"description":…}`. Throw one from a method handler
 * (see `TelegramEmulator.onMethod`) to make the emulator answer a call with it.
 */
export class BotApiError extends Error {
  /** Always `"BotApiError"`. */
  override readonly name = "BotApiError";
  /** The `error_code`, which is also the HTTP status. */
  readonly errorCode: number;
  /** The `description`, such as `"Bad Request: chat not found"`. */
  readonly description: string;
  /** `parameters`, sent only when present. */
  readonly parameters: ResponseParameters | undefined;

  constructor(errorCode: number, description: string, parameters?: ResponseParameters) {
    super(description);
    this.errorCode = errorCode;
    this.description = description;
    this.parameters = parameters;
  }
}

/** `400 Bad Request: <detail>`. */
export function badRequest(detail: string): BotApiError {
  return new BotApiError(400, `Bad Request: ${detail}`);
}

/** The 429 the server sends for flood limits, with `parameters.retry_after` and a `Retry-After` header. */
export function tooManyRequests(retryAfter: number): BotApiError {
  return new BotApiError(429, `Too Many Requests: retry after ${retryAfter}`, { retry_after: retryAfter });
}
