import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { BotApiError } from "./bot-api-error.js";
import type { EmulatedBot } from "./emulated-bot.js";
import { writeReply } from "./envelope.js";
import { type CallParams, parseBodyParams, parseQueryParams } from "./request-params.js";

/** The largest request body accepted (the server's upload limit is 50 MB). */
const MAX_REQUEST_BYTES = 64 * 1024 * 1024;

const PATH_PATTERN = /^\/bot([^/]*)\/([^/]*)$/;

/** A running Bot API HTTP server. */
export interface BotApiServer {
  /** `http://host:port`, the value for a client's API root. */
  readonly url: string;
  /** Stops listening and resolves once the server has closed. */
  close(): Promise<void>;
}

/** Where the server listens and how it finds the bot a token belongs to. */
export interface BotApiServerOptions {
  /** The address to listen on, e.g. `"127.0.0.1"`. */
  readonly host: string;
  /** The TCP port to listen on; 0 picks a free one. */
  readonly port: number;
  /** The bot for a token, or undefined for a token the server refuses with 401. */
  readonly botFor: (token: string) => EmulatedBot | undefined;
  /** Answers requests outside `/bot<token>/…` (the browser page); false to fall through to 404. */
  readonly otherRoutes?: (request: IncomingMessage, response: ServerResponse) => boolean;
}

/**
 * Serves `/bot<token>/<method>` over HTTP/1.1 like the Bot API: GET or POST, parameters from the query string
 * and a JSON, urlencoded or multipart body, method names in any case, every reply in the standard envelope.
 */
export async function startBotApiServer(options: BotApiServerOptions): Promise<BotApiServer> {
  const server = createServer((request, response) => {
    handle(request, response, options).catch((error: unknown) => {
      if (!response.headersSent) {
        writeReply(response, new BotApiError(500, `Internal Server Error: ${String(error)}`));
      }
    });
  });
  server.keepAliveTimeout = 60_000;
  await listen(server, options.host, options.port);
  const address = server.address() as AddressInfo;
  const host = address.family === "IPv6" ? `[${address.address}]` : address.address;
  return {
    url: `http://${host}:${address.port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function listen(server: Server, host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
}

async function handle(
  request: IncomingMessage,
  response: ServerResponse,
  options: BotApiServerOptions,
): Promise<void> {
  const target = request.url ?? "/";
  const queryStart = target.indexOf("?");
  const path = queryStart === -1 ? target : target.slice(0, queryStart);
  const match = PATH_PATTERN.exec(path);
  if (match === null && options.otherRoutes?.(request, response) === true) return;
  if (match === null) {
    request.resume();
    writeReply(response, new BotApiError(404, "Not Found"));
    return;
  }
  const [, token = "", method = ""] = match;
  const bot = options.botFor(token);
  if (bot === undefined) {
    request.resume();
    writeReply(response, new BotApiError(401, "Unauthorized: invalid token specified"));
    return;
  }
  if (method === "") {
    request.resume();
    writeReply(response, new BotApiError(404, "Not Found: method not found"));
    return;
  }
  const body = await readBody(request);
  if (body === undefined) {
    writeReply(response, new BotApiError(413, "Request Entity Too Large"));
    return;
  }
  const params: CallParams = {
    ...(queryStart === -1 ? {} : parseQueryParams(target.slice(queryStart + 1))),
    ...(await parseBodyParams(request.headers["content-type"], body)),
  };
  try {
    writeReply(response, await bot.call(method, params, "http"));
  } catch (error) {
    writeReply(
      response,
      error instanceof BotApiError ? error : new BotApiError(500, `Internal Server Error: ${String(error)}`),
    );
  }
}

/** Reads the whole body, or undefined when it is over the limit. */
function readBody(request: IncomingMessage): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooBig = false;
    request.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_REQUEST_BYTES) tooBig = true;
      if (!tooBig) chunks.push(chunk);
    });
    request.on("end", () => resolve(tooBig ? undefined : Buffer.concat(chunks)));
    request.on("error", reject);
  });
}
