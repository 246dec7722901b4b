import type { ApiMethods, Opts, UserFromGetMe, WebhookInfo } from "@grammyjs/types";
import { TelehookError } from "../errors.js";
import { redactToken } from "./redact.js";
import { abortedError, linkedSignal } from "./retry.js";
import { TelegramApiError } from "./telegram-api-error.js";

/** A file the client can upload as a multipart part: raw bytes, or a `Blob` (a `File` is a `Blob`). */
export type BotApiFile = Uint8Array | Blob;
/** Every Bot API method, typed by `@grammyjs/types`, with uploads as {@link BotApiFile}. */
export type BotApiMethods = ApiMethods<BotApiFile>;
/** The name of a Bot API method, such as `"getMe"`. */
export type BotApiMethod = keyof BotApiMethods;
/** The parameters object of a method; `{}` for methods without parameters. */
export type BotApiParams<M extends BotApiMethod> = Opts<BotApiFile>[M];
/** What a method returns on success (the `result` of the reply). */
export type BotApiResult<M extends BotApiMethod> = ReturnType<BotApiMethods[M]>;

/** The official Bot API server. */
export const DEFAULT_API_ROOT = "https://api.telegram.org";
const DEFAULT_TIMEOUT_MS = 30_000;

/** Options of {@link createBotApi}. */
export interface BotApiOptions {
  /**
   * The bot token from @BotFather. It is only ever placed in request URLs: never in an error message, an
   * error property, or anything the client logs (it logs nothing).
   */
  token: string;
  /**
   * Where the Bot API server is: the official one, or a local `telegram-bot-api` server or emulator such as
   * `http://127.0.0.1:8081`. Without a trailing `/bot…` part.
   * @default "https://api.telegram.org"
   */
  apiRoot?: string;
  /**
   * The `fetch` to call, for a proxy agent or a test double.
   * @default the global `fetch`
   */
  fetch?: typeof fetch;
  /**
   * How long one call may take, in milliseconds, before it fails with `"bot_api_request_failed"`.
   * `setWebhook` waits for Telegram to resolve the webhook's host, so keep this at several seconds.
   * @default 30000
   */
  timeoutMs?: number;
}

/** Per-call options. */
export interface BotApiCallOptions {
  /**
   * Aborts the call; it then rejects with a TelehookError of code `"aborted"`.
   * @default undefined
   */
  signal?: AbortSignal | undefined;
  /**
   * Overrides the client's `timeoutMs` for this call.
   * @default the client's `timeoutMs`
   */
  timeoutMs?: number | undefined;
}

/** The arguments of {@link BotApi.call}: parameters are optional only for methods that need none. */
export type BotApiCallArgs<M extends BotApiMethod> =
  // biome-ignore lint/complexity/noBannedTypes: Opts uses {} for "no parameters".
  {} extends BotApiParams<M>
    ? [params?: BotApiParams<M>, options?: BotApiCallOptions]
    : [params: BotApiParams<M>, options?: BotApiCallOptions];

/**
 * A small typed Bot API client over `fetch`. Calls resolve with the reply's `result`. They reject with a
 * {@link TelegramApiError} when Telegram answers `ok: false`, and with a {@link TelehookError} of code
 * `"bot_api_request_failed"` when the server cannot be reached, times out or answers something else.
 * No rejection ever contains the bot token.
 */
export interface BotApi {
  /** The server the client talks to, without the token. */
  readonly apiRoot: string;
  /**
   * Calls any Bot API method. Parameters go as JSON, or as `multipart/form-data` when one of them is a
   * file ({@link BotApiFile}); objects and arrays inside multipart are JSON-encoded as Telegram expects.
   */
  call<M extends BotApiMethod>(method: M, ...args: BotApiCallArgs<M>): Promise<BotApiResult<M>>;
  /** `getMe`: the bot's own user. A cheap way to check that the token works. */
  getMe(options?: BotApiCallOptions): Promise<UserFromGetMe>;
  /** `getWebhookInfo`: the registered webhook, pending updates and the last delivery error. */
  getWebhookInfo(options?: BotApiCallOptions): Promise<WebhookInfo>;
  /** `setWebhook`. Prefer {@link ensureWebhook}, which validates locally and calls only when needed. */
  setWebhook(params: BotApiParams<"setWebhook">, options?: BotApiCallOptions): Promise<true>;
  /** `deleteWebhook`. Pending updates are kept unless `drop_pending_updates` is `true`. */
  deleteWebhook(params?: BotApiParams<"deleteWebhook">, options?: BotApiCallOptions): Promise<true>;
}

/**
 * Creates a Bot API client. Throws a TelehookError (`"invalid_options"`) at once when the token or
 * `apiRoot` cannot be used; the message never repeats the token.
 *
 * @example
 * const api = createBotApi({ token: env.TELEGRAM_BOT_TOKEN });
 * const info = await api.getWebhookInfo();
 * console.log(info.url, info.pending_update_count);
 */
export function createBotApi(options: BotApiOptions): BotApi {
  if (typeof options !== "object" || options === null) {
    throw new TelehookError("invalid_options", "createBotApi needs an options object with the bot token.");
  }
  const token = options.token;
  assertUsableToken(token);
  const apiRoot = normalizeApiRoot(options.apiRoot ?? DEFAULT_API_ROOT);
  const fetchImpl = options.fetch ?? globalThis.fetch;
  if (typeof fetchImpl !== "function") {
    throw new TelehookError("invalid_options", "No fetch is available: pass options.fetch.");
  }
  const defaultTimeout = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  if (!Number.isFinite(defaultTimeout) || defaultTimeout <= 0) {
    throw new TelehookError("invalid_options", "timeoutMs must be a positive number of milliseconds.");
  }
  const serverName = describeServer(apiRoot);
  const redact = (text: string) => redactToken(text, token);

  async function request(method: string, params: object | undefined, callOptions: BotApiCallOptions = {}) {
    if (callOptions.signal?.aborted) throw abortedError(`The Bot API call ${method}`);
    const timeoutMs = callOptions.timeoutMs ?? defaultTimeout;
    const linked = linkedSignal([callOptions.signal], timeoutMs);
    const failed = (problem: string) =>
      new TelehookError("bot_api_request_failed", `${method} failed: ${redact(problem)}`);
    const interrupted = (error: unknown) => {
      if (callOptions.signal?.aborted) return abortedError(`The Bot API call ${method}`);
      if (linked.timedOut()) return failed(`${serverName} did not answer within ${timeoutMs} ms.`);
      return failed(`could not reach ${serverName} (${describeFailure(error, redact)}).`);
    };
    try {
      let response: Response;
      try {
        response = await fetchImpl(`${apiRoot}/bot${token}/${method}`, {
          method: "POST",
          ...encodeParams(params),
          signal: linked.signal,
        });
      } catch (error) {
        throw interrupted(error);
      }
      let text: string;
      try {
        text = await response.text();
      } catch (error) {
        throw interrupted(error);
      }
      return parseReply(method, response, text, redact, failed);
    } finally {
      linked.dispose();
    }
  }

  const call = ((method: string, params?: object, callOptions?: BotApiCallOptions) =>
    request(method, params, callOptions)) as BotApi["call"];

  return {
    apiRoot,
    call,
    getMe: (callOptions) => call("getMe", {}, callOptions),
    getWebhookInfo: (callOptions) => call("getWebhookInfo", {}, callOptions),
    setWebhook: (params, callOptions) => call("setWebhook", params, callOptions),
    deleteWebhook: (params = {}, callOptions) => call("deleteWebhook", params, callOptions),
  };
}

function parseReply(
  method: string,
  response: Response,
  text: string,
  redact: (text: string) => string,
  failed: (problem: string) => TelehookError,
): never | unknown {
  let reply: unknown;
  try {
    reply = JSON.parse(text);
  } catch {
    throw failed(`the server answered HTTP ${response.status} with a body that is not JSON.`);
  }
  if (!isRecord(reply) || typeof reply.ok !== "boolean") {
    throw failed(`the server answered HTTP ${response.status} with JSON that is not a Bot API reply.`);
  }
  if (reply.ok) return reply.result;
  const parameters = isRecord(reply.parameters) ? reply.parameters : {};
  const headerRetryAfter = Number.parseInt(response.headers.get("retry-after") ?? "", 10);
  const retryAfter =
    typeof parameters.retry_after === "number"
      ? parameters.retry_after
      : Number.isFinite(headerRetryAfter)
        ? headerRetryAfter
        : undefined;
  throw new TelegramApiError({
    method,
    errorCode: typeof reply.error_code === "number" ? reply.error_code : response.status,
    description: redact(
      typeof reply.description === "string" ? reply.description : `HTTP ${response.status}`,
    ),
    retryAfter,
    migrateToChatId:
      typeof parameters.migrate_to_chat_id === "number" ? parameters.migrate_to_chat_id : undefined,
  });
}

/** JSON normally; multipart when a parameter is a file. `undefined` values are left out either way. */
function encodeParams(params: object | undefined): {
  body: string | FormData;
  headers?: Record<string, string>;
} {
  const entries = Object.entries(params ?? {}).filter(([, value]) => value !== undefined);
  if (!entries.some(([, value]) => isFile(value))) {
    return {
      body: JSON.stringify(Object.fromEntries(entries)),
      headers: { "content-type": "application/json" },
    };
  }
  const form = new FormData();
  for (const [key, value] of entries) {
    if (value instanceof Blob) {
      form.append(key, value, fileName(key, value));
    } else if (value instanceof Uint8Array) {
      form.append(key, new Blob([new Uint8Array(value)]), fileName(key, undefined));
    } else if (typeof value === "string") {
      form.append(key, value);
    } else if (typeof value === "object" && value !== null) {
      form.append(key, JSON.stringify(value));
    } else {
      form.append(key, String(value));
    }
  }
  // fetch sets the multipart content type with its boundary itself.
  return { body: form };
}

function isFile(value: unknown): value is BotApiFile {
  return value instanceof Uint8Array || value instanceof Blob;
}

function fileName(key: string, blob: Blob | undefined): string {
  const name = (blob as { name?: unknown } | undefined)?.name;
  if (typeof name === "string" && name !== "") return name;
  return key === "certificate" ? "certificate.pem" : key;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

const TOKEN_SHAPE = /^[^\s/?#%\\]+$/;

function assertUsableToken(token: unknown): asserts token is string {
  if (typeof token !== "string" || token === "") {
    throw new TelehookError(
      "invalid_options",
      "token is missing: pass the bot token from @BotFather (read it from the environment, never from code).",
    );
  }
  if (!TOKEN_SHAPE.test(token)) {
    throw new TelehookError(
      "invalid_options",
      "token contains a space, '/', '?', '#', '%' or '\\', which no bot token has. Check where it is read from.",
    );
  }
}

function normalizeApiRoot(apiRoot: unknown): string {
  if (typeof apiRoot !== "string") {
    throw new TelehookError(
      "invalid_options",
      "apiRoot must be a URL string such as https://api.telegram.org.",
    );
  }
  let parsed: URL;
  try {
    parsed = new URL(apiRoot);
  } catch {
    throw new TelehookError("invalid_options", "apiRoot is not a URL; use e.g. https://api.telegram.org.");
  }
  if (parsed.protocol !== "https:" && parsed.protocol !== "http:") {
    throw new TelehookError("invalid_options", "apiRoot must start with https:// or http://.");
  }
  if (parsed.search !== "" || parsed.hash !== "" || /\/bot[^/]*\//.test(`${parsed.pathname}/`)) {
    throw new TelehookError(
      "invalid_options",
      "apiRoot must be the server's root URL without a query, a fragment or a /bot<token> part.",
    );
  }
  return `${parsed.origin}${parsed.pathname}`.replace(/\/+$/, "");
}

/** The server as it may appear in a message: scheme, host and port, never userinfo or a path. */
function describeServer(apiRoot: string): string {
  const { protocol, host } = new URL(apiRoot);
  return `the Bot API server ${protocol}//${host}`;
}

/**
 * A short description of a fetch failure, built from the error chain's names, codes and messages
 * (undici hides the useful part, such as ECONNREFUSED, in `cause`). The raw error is never attached, since
 * some runtimes put the request URL, and with it the token, into it.
 */
function describeFailure(error: unknown, redact: (text: string) => string): string {
  const parts: string[] = [];
  let current: unknown = error;
  for (let depth = 0; depth < 4 && current !== undefined && current !== null; depth++) {
    if (typeof current === "object") {
      const { code, message } = current as { code?: unknown; message?: unknown };
      const text = [typeof code === "string" ? code : "", typeof message === "string" ? message : ""]
        .filter(Boolean)
        .join(" ");
      const safe = redact(text);
      if (safe !== "" && !parts.includes(safe)) parts.push(safe);
      current = (current as { cause?: unknown }).cause;
    } else {
      parts.push(redact(String(current)));
      break;
    }
  }
  return parts.join(": ").slice(0, 300) || "unknown network error";
}
