import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { getRequestListener } from "@hono/node-server";
import type { WebhookControls, WebhookOptions } from "@telehook/core";
import { telegramWebhook as expressWebhook } from "@telehook/express";
import { telegramWebhook as honoWebhook } from "@telehook/hono";
import { telegramWebhook as koaWebhook } from "@telehook/koa";
import express from "express";
import express4 from "express4";
import { Hono } from "hono";
import Koa from "koa";
import { when } from "./events.js";

/** Every adapter and framework major the end-to-end tests run on. */
export const ADAPTERS = ["express 5", "express 4", "hono", "koa"] as const;
export type AdapterName = (typeof ADAPTERS)[number];

/** The path every webhook is mounted on. */
export const WEBHOOK_PATH = "/bot";

/** A listener on 127.0.0.1 with nothing mounted yet; see {@link openListener}. */
export interface Listener {
  readonly port: number;
  /** `http://127.0.0.1:<port>/bot`, the URL the webhook will answer on. */
  readonly url: string;
  /**
   * Builds the adapter's middleware from `options`, mounts it the way the framework's docs do and serves
   * the app on this listener. Synchronous, like `app.use(...)` followed by `app.listen(...)` in an app, so
   * the `setWebhook` option's registration (which starts on the next tick) finds the port listening.
   */
  mount(adapter: AdapterName, options: WebhookOptions): WebhookServer;
  /** Closes the listener and every connection. */
  close(): Promise<void>;
}

/** A webhook behind a real listener. */
export interface WebhookServer {
  readonly adapter: AdapterName;
  readonly port: number;
  readonly url: string;
  /** The middleware's controls: `close`, `ready`, `setWebhook`, `handler`. */
  readonly webhook: WebhookControls;
  /** How many HTTP requests reached the listener so far. */
  readonly arrivals: number;
  /** Resolves once `count` requests have reached the listener. */
  waitForArrivals(count: number, timeoutMs?: number): Promise<void>;
  /** Drains the webhook (`close()`, at most 2 s), then closes the listener and its connections. */
  close(): Promise<void>;
}

/**
 * Listens on a free (or the given) port of 127.0.0.1 before anything is mounted, so the URL, which the
 * `setWebhook` option needs when the middleware is built, is known. Requests are dispatched to the app that
 * `mount` installs (503 before that; nothing is sent to the URL before the webhook is registered).
 */
export async function openListener(port = 0): Promise<Listener> {
  let app: ((req: IncomingMessage, res: ServerResponse) => void) | undefined;
  let fetchApp: ((request: Request) => Response | Promise<Response>) | undefined;
  let arrivals = 0;
  const arrivalListeners = new Set<() => void>();

  // Hono is served by @hono/node-server's request listener (what its `serve()` installs); the other
  // frameworks are node:http handlers. Which one runs is decided at mount time.
  const honoListener = getRequestListener((request: Request) =>
    fetchApp ? fetchApp(request) : new Response(null, { status: 503 }),
  );
  const server = createServer((req, res) => {
    if (fetchApp) void honoListener(req, res);
    else if (app) app(req, res);
    else res.writeHead(503, { "content-length": "0" }).end();
  });
  server.on("request", () => {
    arrivals++;
    for (const notify of [...arrivalListeners]) notify();
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  const bound = (server.address() as AddressInfo).port;
  const url = `http://127.0.0.1:${bound}${WEBHOOK_PATH}`;

  const closeListener = () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });

  return {
    port: bound,
    url,
    close: closeListener,
    mount(adapter, options) {
      let webhook: WebhookControls;
      if (adapter === "express 5" || adapter === "express 4") {
        const expressApp = adapter === "express 5" ? express() : express4();
        const middleware = expressWebhook(options);
        expressApp.use(WEBHOOK_PATH, middleware);
        app = expressApp;
        webhook = middleware;
      } else if (adapter === "koa") {
        const koaApp = new Koa();
        const middleware = koaWebhook({ ...options, path: WEBHOOK_PATH });
        koaApp.use(middleware);
        app = koaApp.callback();
        webhook = middleware;
      } else {
        const honoApp = new Hono();
        const middleware = honoWebhook(options);
        honoApp.post(WEBHOOK_PATH, middleware);
        fetchApp = honoApp.fetch;
        webhook = middleware;
      }
      return {
        adapter,
        port: bound,
        url,
        webhook,
        get arrivals() {
          return arrivals;
        },
        waitForArrivals: (count, timeoutMs = 10_000) =>
          when(
            () => arrivals >= count,
            (notify) => {
              arrivalListeners.add(notify);
              return () => arrivalListeners.delete(notify);
            },
            `${count} requests to reach the ${adapter} listener (${arrivals} so far)`,
            timeoutMs,
          ),
        async close() {
          await webhook.close({ timeoutMs: 2000 });
          await closeListener();
        },
      };
    },
  };
}

/**
 * Starts `adapter` behind a real listener on 127.0.0.1: `options` gets the URL the webhook answers on
 * (`http://127.0.0.1:<port>/bot`), so it can pass it to the `setWebhook` option.
 */
export async function startWebhookServer(
  adapter: AdapterName,
  options: (url: string) => WebhookOptions,
  { port }: { port?: number } = {},
): Promise<WebhookServer> {
  const listener = await openListener(port);
  return listener.mount(adapter, options(listener.url));
}
