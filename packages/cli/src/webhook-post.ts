import { type Agent, request } from "node:http";
import { request as httpsRequest } from "node:https";
import { parseRetryAfter } from "@telehook/testing";

/** How one POST of an update to the local webhook ended. */
export type PostOutcome =
  | {
      /** The webhook answered. */
      readonly kind: "response";
      /** The HTTP status code of the answer. */
      readonly status: number;
      /** The status line's reason phrase, e.g. `"OK"`. */
      readonly reason: string;
      /** Seconds from an integer `Retry-After` header, clamped to 0–3600; 0 when absent. */
      readonly retryAfter: number;
      /** The Bot API call in a 2xx reply body, if any. */
      readonly reply: Record<string, unknown> | undefined;
    }
  | {
      /** No answer came: the connection failed, timed out or was stopped. */
      readonly kind: "error";
      /** What went wrong, e.g. `"Read timeout expired"` or `"Connection reset by peer"`. */
      readonly error: string;
    };

/** The most a JSON or urlencoded reply body may hold (Telegram's 1 MiB). */
const MAX_REPLY_BYTES = 1024 * 1024;

/**
 * POSTs one update like Telegram's server: headers in its order and spelling (Host, secret, Content-Type,
 * Content-Length, Connection, Accept-Encoding), no User-Agent, one request per keep-alive connection, a
 * total deadline. Never throws.
 */
export function postUpdate(options: {
  readonly url: URL;
  readonly body: string;
  readonly secretToken: string | undefined;
  readonly agent: Agent;
  readonly deadlineMs: number;
  readonly signal: AbortSignal;
}): Promise<PostOutcome> {
  const { url, body } = options;
  const headers = ["Host", url.host];
  if (url.username !== "") {
    const userinfo = `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`;
    headers.push("Authorization", `Basic ${Buffer.from(userinfo).toString("base64")}`);
  }
  if (options.secretToken) headers.push("X-Telegram-Bot-Api-Secret-Token", options.secretToken);
  headers.push(
    "Content-Type",
    "application/json",
    "Content-Length",
    String(Buffer.byteLength(body)),
    "Connection",
    "keep-alive",
    "Accept-Encoding",
    "gzip, deflate",
  );
  return new Promise((resolve) => {
    let settled = false;
    const finish = (outcome: PostOutcome): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      options.signal.removeEventListener("abort", onAbort);
      resolve(outcome);
    };
    const send = url.protocol === "https:" ? httpsRequest : request;
    const req = send(
      url,
      { method: "POST", headers, agent: url.protocol === "https:" ? undefined : options.agent },
      (response) => {
        const status = response.statusCode ?? 0;
        const type = String(response.headers["content-type"] ?? "").toLowerCase();
        const wanted =
          status >= 200 && status <= 299 && /application\/json|application\/x-www-form-urlencoded/.test(type);
        const chunks: Buffer[] = [];
        let size = 0;
        response.on("data", (chunk: Buffer) => {
          size += chunk.length;
          if (wanted && size <= MAX_REPLY_BYTES) chunks.push(chunk);
        });
        response.on("error", () => finish({ kind: "error", error: "Connection reset by peer" }));
        response.on("end", () => {
          if (wanted && size > MAX_REPLY_BYTES) {
            finish({ kind: "error", error: "Request Entity Too Large: too many parameters" });
            return;
          }
          const text = Buffer.concat(chunks).toString("utf8");
          finish({
            kind: "response",
            status,
            reason: response.statusMessage ?? "",
            retryAfter: parseRetryAfter(response.headers["retry-after"]),
            reply: wanted ? replyParams(type, text) : undefined,
          });
        });
      },
    );
    const timer = setTimeout(() => {
      req.destroy();
      finish({ kind: "error", error: "Read timeout expired" });
    }, options.deadlineMs);
    const onAbort = (): void => {
      req.destroy();
      finish({ kind: "error", error: "Stopped" });
    };
    options.signal.addEventListener("abort", onAbort);
    req.setNoDelay(true);
    req.on("error", (error: NodeJS.ErrnoException) => finish({ kind: "error", error: describeError(error) }));
    req.end(body);
  });
}

function replyParams(type: string, text: string): Record<string, unknown> | undefined {
  let params: Record<string, unknown> = {};
  if (type.includes("application/json")) {
    try {
      const value: unknown = JSON.parse(text);
      if (typeof value === "object" && value !== null && !Array.isArray(value)) {
        params = value as Record<string, unknown>;
      }
    } catch {
      return undefined;
    }
  } else {
    params = Object.fromEntries(new URLSearchParams(text));
  }
  return typeof params.method === "string" ? params : undefined;
}

const ERRNO_TEXT: Readonly<Record<string, string>> = {
  ECONNREFUSED: "Connection refused",
  ECONNRESET: "Connection reset by peer",
  ETIMEDOUT: "Connection timed out",
  EHOSTUNREACH: "No route to host",
  ENOTFOUND: "Name or service not known",
};

function describeError(error: NodeJS.ErrnoException): string {
  return ERRNO_TEXT[error.code ?? ""] ?? error.message;
}
