import { isJsonContentType } from "./content-type.js";
import { type ResolvedOptions, resolveOptions, type WebhookOptions } from "./options.js";
import { type ParsedUpdate, parseUpdate } from "./parse-update.js";
import { type BodyInput, readBody } from "./read-body.js";
import { type RejectionReason, rejection } from "./rejection.js";
import { OK_RESULT, rejectionResult, type WebhookResult } from "./result.js";
import { createSecretTokenMatcher, SECRET_TOKEN_HEADER } from "./secret-token.js";

/**
 * The tiny request every adapter hands to the core. It is structural: a framework's request object never
 * reaches the core, only these three things.
 */
export interface WebhookRequest {
  /** The HTTP method, e.g. `"POST"`. */
  readonly method: string;
  /** Returns a request header by its lower-case name, or `null`/`undefined` when it is absent. */
  header(name: string): string | null | undefined;
  /** The body in whatever form the framework holds it; see {@link BodyInput}. */
  readonly body?: BodyInput;
}

/** The framework-agnostic webhook handler that every adapter targets. */
export interface WebhookHandler {
  /** Runs one request through the pipeline. Never throws: every outcome is a result. */
  handle(request: WebhookRequest): Promise<WebhookResult>;
}

const ALLOW_POST = { allow: "POST" };

/**
 * Builds the webhook handler. It checks, in this order: the method, the secret token (in constant time,
 * before any of the body is read), the content type, the size, the JSON and the update's shape; then it
 * calls `onUpdate`. Throws a `TelehookError` at once when an option is wrong.
 *
 * @example
 * const handler = createWebhookHandler({ secretToken, onUpdate: (update) => bot.handleUpdate(update) });
 * const { status, headers, body } = await handler.handle({ method, header: (n) => headers[n], body: stream });
 */
export function createWebhookHandler(options: WebhookOptions): WebhookHandler {
  const resolved = resolveOptions(options);
  const secretMatches = resolved.secretTokens ? createSecretTokenMatcher(resolved.secretTokens) : null;

  function reject(reason: RejectionReason, headers?: Record<string, string>): WebhookResult {
    const turnedAway = rejection(reason);
    resolved.onReject(turnedAway);
    return rejectionResult(turnedAway, headers);
  }

  async function handle(request: WebhookRequest): Promise<WebhookResult> {
    if (request.method !== "POST") return reject("method_not_allowed", ALLOW_POST);
    if (secretMatches) {
      const received = request.header(SECRET_TOKEN_HEADER);
      if (received === null || received === undefined) return reject("secret_token_missing");
      if (!secretMatches(received)) return reject("secret_token_invalid");
    }
    if (!isJsonContentType(request.header("content-type"))) return reject("unsupported_media_type");
    const declaredLength = request.header("content-length");
    if (declaredLength !== null && declaredLength !== undefined) {
      if (!/^\d+$/.test(declaredLength)) return reject("invalid_content_length");
      if (Number(declaredLength) > resolved.maxBodyBytes) return reject("payload_too_large");
    }
    const parsed = parseUpdate(await readBody(request.body, resolved.maxBodyBytes));
    if (typeof parsed === "string") return reject(parsed);
    return deliver(parsed, resolved);
  }

  return {
    handle: (request) =>
      handle(request).catch((error: unknown) => {
        // Only a bug or a hostile request object gets here; the host framework must still get an answer.
        console.error("@telehook/core: unexpected failure while handling a request.", error);
        return rejectionResult(rejection("handler_failed"));
      }),
  };
}

async function deliver(
  { update, updateType }: ParsedUpdate,
  options: ResolvedOptions,
): Promise<WebhookResult> {
  try {
    await options.onUpdate(update, { updateType });
    return OK_RESULT;
  } catch (error) {
    options.onError(error, update);
    const turnedAway = rejection("handler_failed");
    options.onReject(turnedAway);
    return rejectionResult(turnedAway);
  }
}
