import type { CallParams } from "./request-params.js";

/** Where a Bot API call came from. */
export type CallSource =
  /** An HTTP request to `/bot<token>/<method>`. */
  | "http"
  /** The `method` in a webhook's 2xx reply body. */
  | "webhook-reply";

/** One Bot API call the emulator received. */
export interface RecordedCall {
  /** Position in the bot's call log, from 0. */
  readonly index: number;
  /** The method name as sent; compare ignoring case, as the server does. */
  readonly method: string;
  /**
   * The parameters as they arrived: strings from a query string, form or multipart body; JSON values from a
   * JSON body (or webhook reply); `{ filename, contentType, size, data }` for uploaded files.
   */
  readonly params: CallParams;
  /** Where the call came from: see {@link CallSource}. */
  readonly source: CallSource;
  /** When it arrived, in emulated ms since the epoch. */
  readonly at: number;
  /** The reply, once sent: the `result`, or the error. */
  readonly response?:
    | {
        /** `true`: the method succeeded. */
        readonly ok: true;
        /** The method's result, as the reply's `result` carried it. */
        readonly result: unknown;
        /** The reply's `description`, for the few methods that add one. */
        readonly description?: string;
      }
    | {
        /** `false`: the method failed. */
        readonly ok: false;
        /** The reply's `error_code`, an HTTP status such as 400 or 429. */
        readonly error_code: number;
        /** The reply's `description`, such as `"Bad Request: chat not found"`. */
        readonly description: string;
      };
}

/** Methods that read or configure rather than act on chats: not part of `sent`. */
export function isBookkeepingMethod(method: string): boolean {
  const lower = method.toLowerCase();
  return (
    lower.startsWith("get") ||
    lower === "setwebhook" ||
    lower === "deletewebhook" ||
    lower === "logout" ||
    lower === "close"
  );
}

/** Reply methods the server ignores in a webhook reply: the webhook setters, close, logOut and every get*. */
export function isIgnoredReplyMethod(method: string): boolean {
  return isBookkeepingMethod(method);
}
