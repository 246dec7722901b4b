import type { EnsureWebhookResult } from "./bot-api/ensure-webhook.js";
import { startWebhookRegistration, type WebhookRegistrationOutcome } from "./bot-api/webhook-registration.js";
import { isJsonContentType } from "./content-type.js";
import { Activity } from "./delivery/activity.js";
import { createDelivery } from "./delivery/deliver-update.js";
import { TelehookError } from "./errors.js";
import { resolveOptions, type WebhookOptions } from "./options.js";
import { parseUpdate } from "./parse-update.js";
import { type BodyContent, type BodyInput, readBody } from "./read-body.js";
import { type RejectionReason, rejection } from "./rejection.js";
import { rejectionResult, type WebhookResult } from "./result.js";
import { createSecretTokenMatcher, SECRET_TOKEN_HEADER } from "./secret-token.js";
import { gaugesOnly, type WebhookStats } from "./stats.js";

/**
 * The tiny request every adapter hands to the core. It is structural: a framework's request object never
 * reaches the core, only these few things.
 */
export interface WebhookRequest {
  /** The HTTP method, e.g. `"POST"`. */
  readonly method: string;
  /** Returns a request header by its lower-case name, or `null`/`undefined` when it is absent. */
  header(name: string): string | null | undefined;
  /**
   * The same headers as one object keyed by lower-case name, a repeated header as the array of its values:
   * what Node's `IncomingMessage.headers` holds. Optional. When given, the core reads the few headers it
   * checks here, by their literal names, which costs less than a call of `header()` for each; `header()`
   * must still answer the same.
   */
  readonly headers?: Readonly<Record<string, string | readonly string[] | undefined>> | undefined;
  /** The body in whatever form the framework holds it; see {@link BodyInput}. */
  readonly body?: BodyInput;
  /** The address of the TCP peer, used only by the optional `sourceIp` allowlist. */
  readonly remoteAddress?: string | undefined;
  /**
   * This request's own way to keep the runtime alive after the answer (Workers' `ctx.waitUntil`, Vercel's
   * `waitUntil`), for a handler built once and serving many requests. Used instead of the `waitUntil`
   * option when given.
   */
  readonly waitUntil?: ((promise: Promise<unknown>) => void) | undefined;
  /**
   * This request's own deadline in milliseconds, when it must be shorter than the `deadlineMs` option: a
   * serverless invocation's remaining time, less a margin. It is a hard end: when it is the one that
   * passes, an update still running is refused (503 `still_running`), never acknowledged, since nothing
   * runs on after the invocation.
   */
  readonly deadlineMs?: number | undefined;
  /**
   * What the deadline does with an update that is still running. `"acknowledge"` (the default) answers 200
   * and lets it run on. `"refuse"` answers 503 with `Retry-After` instead, for platforms that freeze work
   * after the answer (AWS Lambda): Telegram sends the update again, and the copy is deduplicated against
   * this run's outcome.
   */
  readonly whenRunningAtDeadline?: "acknowledge" | "refuse" | undefined;
}

/** What `close()` found when it returned. */
export interface CloseResult {
  /** True when every update that had started was finished before the timeout. */
  readonly drained: boolean;
  /** How many updates were still running when `close()` returned. */
  readonly unfinished: number;
}

/** The framework-agnostic webhook handler that every adapter targets. */
export interface WebhookHandler {
  /** Runs one request through the pipeline. Never throws: every outcome is a result. */
  handle(request: WebhookRequest): Promise<WebhookResult>;
  /**
   * Stops taking updates and waits for those in flight. From now on requests are answered 503 with
   * `Retry-After`, which Telegram honours, so nothing is lost across a restart. Resolves once every
   * started update has finished, or after `timeoutMs` (default 10 s).
   */
  close(options?: {
    /** How long to wait for the updates in flight before resolving anyway, in milliseconds. Default 10000. */
    timeoutMs?: number;
  }): Promise<CloseResult>;
  /**
   * The outcome of the start-up registration asked for with the `setWebhook` option, or `null` without
   * it. It never rejects.
   */
  readonly ready: Promise<WebhookRegistrationOutcome | null>;
  /**
   * Registers the webhook now with the `setWebhook` option's settings (only if something differs), or
   * joins the registration in progress. Rejects with a `TelehookError` on failure.
   */
  setWebhook(): Promise<EnsureWebhookResult>;
  /**
   * A cheap snapshot of what the webhook did since it was built: counts per outcome and rejection reason,
   * updates in flight and queued, the age of the oldest run, the store's health. Mount it on a health
   * route. The counts, the oldest run's age and the store's health need the option `stats: true`; without it
   * they are empty, and only the updates in flight and queued are told.
   */
  stats(): WebhookStats;
}

const ALLOW_POST = { allow: "POST" };

/**
 * Builds the webhook handler. It checks, in this order: the method, the source address (if configured),
 * the secret token (in constant time, before any of the body is read), the content type, the size, the
 * JSON and the update's shape; then it delivers the update to `onUpdate` with the delivery guarantees
 * (per-chat order, deduplication, deadline, error budget). Throws a `TelehookError` at once when an option
 * is wrong, and never afterwards.
 *
 * @example
 * const handler = createWebhookHandler({ secretToken, onUpdate: (update) => bot.handleUpdate(update) });
 * const { status, headers, body } = await handler.handle({ method, header: (n) => headers[n], body: stream });
 */
export function createWebhookHandler(options: WebhookOptions): WebhookHandler {
  const resolved = resolveOptions(options);
  const secretMatches = resolved.secretTokens ? createSecretTokenMatcher(resolved.secretTokens) : null;
  const registration =
    resolved.registration && options.setWebhook
      ? startWebhookRegistration(resolved.registration, { setWebhook: options.setWebhook })
      : null;
  const activity = new Activity();
  const delivery = createDelivery(resolved, activity);
  let closing = false;

  const { events } = resolved;

  function reject(reason: RejectionReason, headers?: Record<string, string>): WebhookResult {
    const turnedAway = rejection(reason);
    resolved.onReject(turnedAway);
    if (events) events.emit({ type: "rejected", time: performance.now(), status: turnedAway.status, reason });
    return rejectionResult(turnedAway, headers);
  }

  /** The checks made before the body is read: a rejection, or the body's declared length, if any. */
  function check(request: WebhookRequest): WebhookResult | number | undefined {
    if (request.method !== "POST") return reject("method_not_allowed", ALLOW_POST);
    // Each header is read where it is checked, by its literal name: from `headers` when the adapter gives
    // them, so that every read site sees one name (a fast property load), else through `header()`.
    const { headers } = request;
    if (resolved.sourceAllowed) {
      const forwarded = headers ? joined(headers["x-forwarded-for"]) : request.header("x-forwarded-for");
      if (!resolved.sourceAllowed(request.remoteAddress, forwarded)) return reject("source_not_allowed");
    }
    if (secretMatches) {
      const received = headers ? joined(headers[SECRET_TOKEN_HEADER]) : request.header(SECRET_TOKEN_HEADER);
      if (received === null || received === undefined) return reject("secret_token_missing");
      if (!secretMatches(received)) return reject("secret_token_invalid");
    }
    const type = headers ? joined(headers["content-type"]) : request.header("content-type");
    if (!isJsonContentType(type)) return reject("unsupported_media_type");
    const encoding = headers ? joined(headers["content-encoding"]) : request.header("content-encoding");
    if (encoding && encoding.toLowerCase() !== "identity") return reject("unsupported_content_encoding");
    const lengthHeader = headers ? joined(headers["content-length"]) : request.header("content-length");
    if (lengthHeader === null || lengthHeader === undefined) return undefined;
    const declaredLength = contentLengthOf(lengthHeader);
    if (declaredLength === -1) return reject("invalid_content_length");
    if (declaredLength > resolved.readLimits.maxBytes) return reject("payload_too_large");
    return declaredLength;
  }

  /**
   * The checks, the body, then the update's delivery; counted for `close()`, and never throwing or
   * rejecting. Synchronous until something has to wait (a streamed body, the update's run), so that a
   * request costs one promise layer, not a chain of awaits.
   */
  function handleSafely(request: WebhookRequest): Promise<WebhookResult> {
    activity.begin();
    try {
      const checked = check(request);
      if (typeof checked === "object") return Promise.resolve(handled(checked));
      const read = readBody(request.body, resolved.readLimits, checked);
      if (read instanceof Promise) return read.then((content) => answer(content, request));
      return Promise.resolve(answer(read, request));
    } catch (error) {
      return Promise.resolve(failedUnexpectedly(error));
    }
  }

  /** The answer to a request whose body was read: a rejection, or the update's outcome. */
  function answer(content: BodyContent, request: WebhookRequest): WebhookResult | Promise<WebhookResult> {
    let outcome: WebhookResult | Promise<WebhookResult>;
    try {
      const parsed = parseUpdate(content);
      if (typeof parsed === "string") outcome = reject(parsed);
      else outcome = closing ? delivery.deliverWhileClosing(parsed) : delivery.deliver(parsed, request);
    } catch (error) {
      return failedUnexpectedly(error);
    }
    return outcome instanceof Promise ? outcome.then(handled, failedUnexpectedly) : handled(outcome);
  }

  function handled(result: WebhookResult): WebhookResult {
    activity.end();
    return result;
  }

  function failedUnexpectedly(error: unknown): WebhookResult {
    activity.end();
    // Only a bug or a hostile request object gets here; the host framework must still get an answer.
    console.error("@telehook/core: unexpected failure while handling a request.", error);
    return rejectionResult(rejection("handler_failed"));
  }

  async function close({ timeoutMs = 10_000 }: { timeoutMs?: number } = {}): Promise<CloseResult> {
    closing = true;
    registration?.cancel();
    if (events) events.emit({ type: "closing", time: performance.now() });
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, timeoutMs);
    });
    await Promise.race([activity.idle(), timeout]);
    clearTimeout(timer);
    const result = { drained: activity.count === 0, unfinished: delivery.unfinished };
    if (events) events.emit({ type: "drained", time: performance.now(), ...result });
    return result;
  }

  function stats(): WebhookStats {
    const live = { unfinished: delivery.unfinished, queued: delivery.queued };
    return resolved.stats ? resolved.stats.snapshot(live) : gaugesOnly(live);
  }

  return {
    handle: handleSafely,
    close,
    ready: registration ? registration.ready : Promise.resolve(null),
    setWebhook: () => (registration ? registration.setWebhook() : Promise.reject(notConfigured())),
    stats,
  };
}

/** A header's value from a headers object: a repeated header's values joined by `", "`, as `header()` gives them. */
function joined(value: string | readonly string[] | undefined): string | undefined {
  if (typeof value === "string") return value;
  return Array.isArray(value) ? value.join(", ") : undefined;
}

/**
 * The value of a Content-Length, which must be one or more ASCII digits and nothing else, or -1. Read in
 * the same pass as the check: `Number()` would convert the text again through the runtime. Past 2^53 the
 * value loses precision, never its size, so it still exceeds any limit.
 */
function contentLengthOf(text: string): number {
  if (text.length === 0) return -1;
  let value = 0;
  for (let i = 0; i < text.length; i++) {
    const digit = text.charCodeAt(i) - 48;
    if (digit < 0 || digit > 9) return -1;
    value = value * 10 + digit;
  }
  return value;
}

function notConfigured(): TelehookError {
  return new TelehookError(
    "invalid_options",
    "setWebhook() needs the setWebhook option: pass setWebhook: { token, url } to the webhook's options.",
  );
}
