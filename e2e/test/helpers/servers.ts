import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { WebhookControls, WebhookOptions } from "@telehook/core";
import { HOST_NAMES, type HostName, loadHosts } from "@telehook/hosts";
import { when } from "./events.js";

/** Every host the end-to-end tests run on: the list in `@telehook/hosts` (e2e/hosts), which every harness reads. */
export const ADAPTERS = HOST_NAMES;
export type AdapterName = HostName;

const MOUNTS = await loadHosts();

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
  let arrivals = 0;
  const arrivalListeners = new Set<() => void>();

  const server = createServer((req, res) => {
    if (app) app(req, res);
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
      const mounted = MOUNTS[adapter](options, WEBHOOK_PATH);
      app = mounted.listener;
      const webhook: WebhookControls = mounted.webhook;
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
