import type { CallParams } from "./request-params.js";

/** What one POST of an update came to. */
export type AttemptResult =
  /** A 2xx answer; `reply` holds the parameters of a Bot API call in its body, if any. */
  | { readonly kind: "delivered"; readonly status: number; readonly reply: CallParams | undefined }
  /** Any other status: `Wrong response from the webhook: <code> <reason>`. */
  | {
      readonly kind: "rejected";
      readonly status: number;
      readonly error: string;
      readonly retryAfter: number;
    }
  /** No usable answer: a transport error, the deadline, or a response the server refuses. */
  | { readonly kind: "failed"; readonly error: string };
