/**
 * The one error class telehook throws. Expected request rejections are never thrown: they are results
 * (see {@link Rejection}). A `TelehookError` means a setup mistake the developer has to fix, or a failure
 * reported to a hook.
 */
export type TelehookErrorCode =
  /** An option passed to a telehook function is missing or invalid. */
  | "invalid_options"
  /** The request body stream was read by something else before telehook saw it. */
  | "body_consumed"
  /** `onUpdate` threw or rejected. The original error is the `cause`. */
  | "handler_failed";

/** An error raised by telehook. Its message starts with the package name and never contains a secret. */
export class TelehookError extends Error {
  override readonly name = "TelehookError";
  readonly code: TelehookErrorCode;

  constructor(code: TelehookErrorCode, message: string, options?: { cause?: unknown }) {
    super(`@telehook/core: ${message}`, options);
    this.code = code;
  }
}
