import { callHookSafely, TelehookError, toTelehookError } from "../errors.js";
import { assertValidSecretToken } from "../secret-token.js";
import { type EnsureWebhookResult, runPrepared } from "./ensure-webhook.js";
import { type EnsureWebhookOptions, type PreparedWebhook, prepareWebhook } from "./prepare-webhook.js";
import { linkedSignal } from "./retry.js";

/**
 * The `setWebhook` part of a webhook's options: everything {@link EnsureWebhookOptions} takes except the
 * secret, which comes from the handler's own `secretToken` so that the check and the registration can
 * never drift apart.
 */
export type WebhookRegistrationConfig = Omit<EnsureWebhookOptions, "secretToken" | "allowUnauthenticated">;

/** Options of {@link createWebhookRegistration}. */
export interface WebhookRegistrationOptions {
  /**
   * The webhook handler's `secretToken`. With several (during a rotation) the first one is registered,
   * so list the new secret first.
   */
  secretToken?: string | readonly string[] | undefined;
  /**
   * The handler's `allowUnauthenticated`: without a `secretToken`, register the webhook without one.
   * @default false
   */
  allowUnauthenticated?: boolean | undefined;
  /** Where and how to register the webhook: token, url and the other `setWebhook` settings. */
  setWebhook: WebhookRegistrationConfig;
  /**
   * Run the registration on its own, once, after the current task: `setTimeout(0)` gives the app the
   * chance to start listening first. With `false`, nothing happens until `setWebhook()` is called.
   * @default true
   */
  autoStart?: boolean | undefined;
}

/** How a registration ended: never a rejection, so awaiting `ready` cannot crash the app. */
export type WebhookRegistrationOutcome =
  | {
      /** The webhook is registered as asked. */
      readonly ok: true;
      /** What `ensureWebhook` did: changed the webhook, or found it up to date. */
      readonly result: EnsureWebhookResult;
    }
  | {
      /** The registration failed; the middleware keeps serving all the same. */
      readonly ok: false;
      /** Why, with a code: `invalid_webhook_config`, `telegram_api_error`, `bot_api_request_failed`… */
      readonly error: TelehookError;
    };

/** A webhook registration; see {@link createWebhookRegistration}. */
export interface WebhookRegistration {
  /**
   * Settles with the outcome of the first run (the automatic one, or the first `setWebhook()` call when
   * `autoStart` is false). It never rejects.
   */
  readonly ready: Promise<WebhookRegistrationOutcome>;
  /**
   * Runs `ensureWebhook` now, or joins the run in progress. Rejects with a TelehookError on failure (the
   * `onError` hook is told as well).
   */
  setWebhook(): Promise<EnsureWebhookResult>;
  /** Stops a run in progress (it fails with code `"aborted"`) and cancels the automatic start, e.g. on shutdown. */
  cancel(): void;
}

/**
 * The non-throwing, run-once webhook registration that adapters build from
 * `telegramWebhook({ secretToken, setWebhook: { token, url, ... } })`.
 *
 * Only a bad secret token, or options that are not objects, throw at construction: without a valid secret
 * nothing can be served. A bad URL, port, bot token or other `setWebhook` setting (say, a typo in a deploy
 * variable) does not take the server down, since the webhook Telegram already has may still be right: it is
 * reported like any failed run, with no call to Telegram. Failures never reject `ready`: they are given to
 * `onError` (by default logged with `console.error`, without the token or the secret) and reported as
 * `{ ok: false, error }`.
 *
 * @example
 * const registration = createWebhookRegistration({
 *   secretToken: options.secretToken,
 *   setWebhook: { token: env.TELEGRAM_BOT_TOKEN, url: "https://bot.example.com/telegram" },
 * });
 * const outcome = await registration.ready; // { ok: true, result: { reason: "up_to_date", ... } }
 */
export function createWebhookRegistration(options: WebhookRegistrationOptions): WebhookRegistration {
  return startWebhookRegistration(prepareRegistration(options), options);
}

/** A registration's settings once checked: what every run uses, or the error every run reports. */
export type PreparedRegistration =
  | { readonly ok: true; readonly webhook: PreparedWebhook }
  | { readonly ok: false; readonly error: TelehookError };

/**
 * Starts a registration whose settings were checked already, by {@link prepareSetWebhook} (the webhook
 * handler does this in `resolveOptions`, where its secret token is checked once for both uses).
 */
export function startWebhookRegistration(
  prepared: PreparedRegistration,
  options: Pick<WebhookRegistrationOptions, "setWebhook" | "autoStart">,
): WebhookRegistration {
  const onResult = options.setWebhook.onResult;
  const onError = options.setWebhook.onError ?? logRegistrationError;
  const cancelled = new AbortController();
  let inFlight: Promise<EnsureWebhookResult> | undefined;
  let resolveReady: (outcome: WebhookRegistrationOutcome) => void = () => {};
  let readySettled = false;
  const ready = new Promise<WebhookRegistrationOutcome>((resolve) => {
    resolveReady = (outcome) => {
      readySettled = true;
      resolve(outcome);
    };
  });

  function setWebhook(): Promise<EnsureWebhookResult> {
    if (inFlight) return inFlight;
    if (!prepared.ok) return fail(prepared.error);
    const linked = linkedSignal([options.setWebhook.signal, cancelled.signal]);
    const settle = () => {
      // Before anyone hears of the outcome, so a setWebhook() call made then starts a fresh run.
      inFlight = undefined;
      linked.dispose();
    };
    inFlight = runPrepared(prepared.webhook, linked.signal).then(
      (result) => {
        settle();
        callHookSafely("setWebhook.onResult", onResult, result);
        if (!readySettled) resolveReady({ ok: true, result });
        return result;
      },
      (caught: unknown) => {
        settle();
        return fail(
          toTelehookError(caught, "bot_api_request_failed", "The webhook registration failed unexpectedly."),
        );
      },
    );
    return inFlight;
  }

  function fail(error: TelehookError): Promise<never> {
    callHookSafely("setWebhook.onError", onError, error);
    if (!readySettled) resolveReady({ ok: false, error });
    return Promise.reject(error);
  }

  let timer: ReturnType<typeof setTimeout> | undefined;
  if (options.autoStart ?? true) {
    timer = setTimeout(() => {
      timer = undefined;
      // The outcome goes to `ready` and the hooks; this copy of the promise must not count as unhandled.
      setWebhook().catch(() => {});
    }, 0);
  }

  return {
    ready,
    setWebhook,
    cancel() {
      if (timer !== undefined) {
        clearTimeout(timer);
        timer = undefined;
        if (!readySettled) {
          resolveReady({
            ok: false,
            error: new TelehookError("aborted", "The webhook registration was cancelled before it started."),
          });
        }
      }
      cancelled.abort();
    },
  };
}

/**
 * Checks the options. What makes serving impossible (no options, a bad secret token) throws; a bad
 * `setWebhook` setting is kept as the error every run reports.
 */
function prepareRegistration(options: WebhookRegistrationOptions): PreparedRegistration {
  if (typeof options !== "object" || options === null) {
    throw new TelehookError("invalid_options", "setWebhook must be an object with at least token and url.");
  }
  const { secretToken } = options;
  const registered = Array.isArray(secretToken) ? secretToken[0] : secretToken;
  if (Array.isArray(secretToken) && registered === undefined) {
    throw new TelehookError("invalid_options", "secretToken is an empty list: give at least one secret.");
  }
  if (registered !== undefined) assertValidSecretToken(registered, "secretToken");
  else if (options.allowUnauthenticated !== true) {
    throw new TelehookError(
      "invalid_options",
      "secretToken is missing. Pass the secret the webhook checks, or set allowUnauthenticated: true to register the webhook without one.",
    );
  }
  return prepareSetWebhook(options.setWebhook, registered);
}

/**
 * Checks the `setWebhook` settings for a secret that was already checked (`undefined`: register without
 * one). Throws only when `setWebhook` is not an object or carries a secret of its own; any other mistake is
 * kept as the error every run reports, with no call to Telegram.
 */
export function prepareSetWebhook(
  setWebhook: WebhookRegistrationConfig,
  registered: string | undefined,
): PreparedRegistration {
  if (typeof setWebhook !== "object" || setWebhook === null) {
    throw new TelehookError("invalid_options", "setWebhook must be an object with at least token and url.");
  }
  if ((setWebhook as { secretToken?: unknown }).secretToken !== undefined) {
    throw new TelehookError(
      "invalid_options",
      "setWebhook.secretToken is not read: the webhook's own secretToken is registered, so that the check and setWebhook always share one secret. Move it out of setWebhook.",
    );
  }
  try {
    return {
      ok: true,
      webhook: prepareWebhook({
        ...setWebhook,
        secretToken: registered,
        allowUnauthenticated: registered === undefined,
      }),
    };
  } catch (error) {
    if (error instanceof TelehookError) return { ok: false, error };
    throw error;
  }
}

function logRegistrationError(error: TelehookError): void {
  console.error(`${error.message} The webhook was not registered; the app keeps running.`);
}
