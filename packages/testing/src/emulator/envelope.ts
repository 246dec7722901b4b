import type { ServerResponse } from "node:http";
import { asciiJson } from "./ascii-json.js";
import { BotApiError } from "./bot-api-error.js";

/** What a Bot API method produced: its result, and the optional `description` some methods add. */
export interface MethodOutcome {
  /** The method's result, sent as the reply's `result`. */
  readonly result: unknown;
  /** A note sent as the reply's `description` (e.g. "Webhook is already set"); left out when undefined. */
  readonly description?: string;
}

/** The body of a successful reply: `{"ok":true,"result":…}` plus `description` when there is one. */
function okBody(outcome: MethodOutcome): Record<string, unknown> {
  return outcome.description === undefined
    ? { ok: true, result: outcome.result }
    : { ok: true, result: outcome.result, description: outcome.description };
}

/** The body of a failed reply: `{"ok":false,"error_code":…,"description":…}` plus `parameters` if any. */
function errorBody(error: BotApiError): Record<string, unknown> {
  const body: Record<string, unknown> = {
    ok: false,
    error_code: error.errorCode,
    description: error.description,
  };
  if (error.parameters !== undefined) body.parameters = error.parameters;
  return body;
}

/** Writes a Bot API reply with the status the server uses: 200, or the `error_code`. */
export function writeReply(response: ServerResponse, outcome: MethodOutcome | BotApiError): void {
  const isError = outcome instanceof BotApiError;
  const body = asciiJson(isError ? errorBody(outcome) : okBody(outcome));
  const headers: Record<string, string | number> = {
    "Content-Type": "application/json",
    "Content-Length": Buffer.byteLength(body),
    Connection: "keep-alive",
  };
  const retryAfter = isError ? outcome.parameters?.retry_after : undefined;
  if (retryAfter !== undefined) headers["Retry-After"] = retryAfter;
  response.writeHead(isError ? outcome.errorCode : 200, headers);
  response.end(body);
}
