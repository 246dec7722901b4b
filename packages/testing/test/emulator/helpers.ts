import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { type AddressInfo, createServer as createTcpServer, type Socket } from "node:net";
import type { TelegramEmulator } from "../../src/emulator/index.js";

/** A request the test webhook received. */
export interface ReceivedRequest {
  readonly method: string;
  readonly url: string;
  readonly rawHeaders: string[];
  readonly headers: IncomingMessage["headers"];
  readonly body: string;
  /** performance.now() when the body was complete. */
  readonly at: number;
  readonly updateId: number;
}

/** A plain node:http webhook for tests. */
export interface Receiver {
  readonly url: string;
  readonly port: number;
  readonly requests: ReceivedRequest[];
  readonly server: Server;
  close(): Promise<void>;
}

export type ReceiverHandler = (request: ReceivedRequest, response: ServerResponse) => void | Promise<void>;

/** Starts a webhook on 127.0.0.1 that answers `200 OK` with an empty body unless `handler` answers. */
export async function startReceiver(handler?: ReceiverHandler): Promise<Receiver> {
  const requests: ReceivedRequest[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString("latin1");
      const match = /^\{"update_id":(\d+)/.exec(body);
      const received: ReceivedRequest = {
        method: req.method ?? "",
        url: req.url ?? "",
        rawHeaders: req.rawHeaders,
        headers: req.headers,
        body,
        at: performance.now(),
        updateId: match ? Number(match[1]) : -1,
      };
      requests.push(received);
      if (handler === undefined) {
        res.writeHead(200, { "Content-Length": "0" }).end();
        return;
      }
      Promise.resolve(handler(received, res)).catch(() => {
        if (!res.headersSent) res.writeHead(500).end();
      });
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    port,
    requests,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** A Bot API reply as the test sees it. */
export interface ApiReply {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
  // biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary JSON replies
  readonly body: any;
}

/** Calls the emulator over HTTP with a JSON body (or as a query string / form with `encoding`). */
export async function callApi(
  emulator: TelegramEmulator,
  method: string,
  params: Record<string, unknown> = {},
  options: { token?: string; encoding?: "json" | "form" | "query" } = {},
): Promise<ApiReply> {
  const token = options.token ?? emulator.token;
  const base = `${emulator.apiRoot}/bot${token}/${method}`;
  const encoding = options.encoding ?? "json";
  const asStrings = () =>
    new URLSearchParams(
      Object.entries(params).map(([key, value]) => [
        key,
        typeof value === "string" ? value : JSON.stringify(value),
      ]),
    );
  let response: Response;
  if (encoding === "query") {
    response = await fetch(`${base}?${asStrings()}`);
  } else if (encoding === "form") {
    response = await fetch(base, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: asStrings().toString(),
    });
  } else {
    response = await fetch(base, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(params),
    });
  }
  const text = await response.text();
  return { status: response.status, headers: response.headers, text, body: JSON.parse(text) };
}

/** Sets the webhook and fails the test unless Telegram said it was set. */
export async function setWebhook(
  emulator: TelegramEmulator,
  params: Record<string, unknown>,
  token?: string,
): Promise<void> {
  const reply = await callApi(emulator, "setWebhook", params, { token });
  if (reply.body.ok !== true) throw new Error(`setWebhook failed: ${reply.text}`);
}

/** Resolves after `ms` real milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** A raw TCP webhook from {@link startRawWebhook}. */
export interface RawWebhook {
  readonly url: string;
  readonly port: number;
  /** Destroys every connection and stops listening. */
  close(): Promise<void>;
}

/** A TCP server on 127.0.0.1 whose every connection `onSocket` scripts byte by byte (errors are ignored). */
export async function startRawWebhook(onSocket: (socket: Socket) => void): Promise<RawWebhook> {
  const sockets = new Set<Socket>();
  const server = createTcpServer((socket) => {
    sockets.add(socket);
    socket.on("error", () => {});
    onSocket(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  let closed: Promise<void> | undefined;
  return {
    url: `http://127.0.0.1:${port}/`,
    port,
    close: () => {
      closed ??= new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      });
      return closed;
    },
  };
}
