import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { CloseResult, WebhookOptions } from "@telehook/core";
import { type ConformanceHarness, type StartedServer, sendOverHttp } from "@telehook/testing/conformance";
import type { RuntimeServer } from "./runtime-server.js";

type Hook = (...args: unknown[]) => unknown;

/**
 * Runs the test's hooks for webhooks that live in another process. The remote app calls
 * `POST /<mount>/<hook>` with the arguments as JSON; the answer carries what the hook returned, or what it
 * threw, by id so that the same error object comes back to `onError`.
 */
export class HookServer {
  private readonly server: Server;
  private readonly mounts = new Map<string, Record<string, Hook>>();
  private readonly thrown = new Map<number, unknown>();
  private mountCount = 0;
  private url = "";

  constructor() {
    this.server = createServer((request, response) => {
      void this.answer(request).then((answer) => {
        response.writeHead(200, { "content-type": "application/json" });
        response.end(JSON.stringify(answer));
      });
    });
  }

  async start(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, "127.0.0.1", resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  stop(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  /** Registers one mount's hooks and gives the base URL the remote app calls them at. */
  register(hooks: Record<string, Hook>): { callbackUrl: string; forget(): void } {
    const id = String(++this.mountCount);
    this.mounts.set(id, hooks);
    return { callbackUrl: `${this.url}/${id}`, forget: () => this.mounts.delete(id) };
  }

  private async answer(request: IncomingMessage): Promise<unknown> {
    const [, mount = "", name = ""] = (request.url ?? "").split("/");
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const args = (JSON.parse(Buffer.concat(chunks).toString("utf8")) as unknown[]).map((a) => this.decode(a));
    const hook = this.mounts.get(mount)?.[name];
    if (!hook) return {};
    try {
      return { value: await hook(...args) };
    } catch (error) {
      const id = this.thrown.size + 1;
      this.thrown.set(id, error);
      return { threw: { id, message: error instanceof Error ? error.message : String(error) } };
    }
  }

  private decode(argument: unknown): unknown {
    const remote = (argument as { $error?: { id?: number; message: string; name: string; code?: string } })
      ?.$error;
    if (!remote) return argument;
    if (remote.id !== undefined && this.thrown.has(remote.id)) return this.thrown.get(remote.id);
    return Object.assign(new Error(remote.message), { name: remote.name, code: remote.code });
  }
}

/**
 * Builds a fresh webhook in the remote app, with the options' values sent as JSON and the hooks run here.
 * Resolves with its URL and its `close()` (which drains it there).
 */
export async function mountRemote(
  server: RuntimeServer,
  hooks: HookServer,
  kind: "fetch" | "hono",
  options: WebhookOptions,
): Promise<{ url: string; close(o?: { timeoutMs?: number }): Promise<Response>; forget(): void }> {
  const values: Record<string, unknown> = {};
  const functions: Record<string, Hook> = {};
  for (const [name, value] of Object.entries(options)) {
    if (typeof value === "function") functions[name] = value as Hook;
    else values[name] = value;
  }
  const registered = hooks.register(functions);
  const mounted = await post(`${server.url}/__mount`, {
    kind,
    options: values,
    hooks: Object.keys(functions),
    callbackUrl: registered.callbackUrl,
  });
  const { id } = (await mounted.json()) as { id: string };
  return {
    url: `${server.url}/m/${id}/bot`,
    close: (o = {}) => post(`${server.url}/__close/${id}`, o),
    forget: () => registered.forget(),
  };
}

/**
 * The conformance harness for a webhook served by another runtime (see `../app/remote-webhook.ts`). Give
 * `peerAddress` where the remote app hands the runtime's peer address to the webhook.
 */
export function remoteHarness(
  runtime: () => RuntimeServer,
  hooks: HookServer,
  kind: "fetch" | "hono",
  peerAddress?: string,
): ConformanceHarness {
  return {
    ...(peerAddress === undefined ? {} : { peerAddress }),
    async mount(options) {
      const remote = await mountRemote(runtime(), hooks, kind, options);
      let closing: Promise<unknown> = Promise.resolve();
      const close = (o: { timeoutMs?: number } = {}): Promise<CloseResult> => {
        const answered = remote.close(o);
        closing = answered.catch(() => {});
        return answered.then((response) => response.json() as Promise<CloseResult>);
      };
      return {
        // A request sent after close() goes out once the remote drain has begun, as it would in one process.
        send: (request) => closing.then(() => sendOverHttp(remote.url, request)),
        webhook: { close },
        async close() {
          // Frees the remote webhook; a test that left a handler waiting does not hold the next one.
          await close({ timeoutMs: 0 }).catch(() => {});
          remote.forget();
        },
      };
    },
  };
}

/** The framing suite's `start` for a webhook served by another runtime. */
export function remoteStart(runtime: () => RuntimeServer, hooks: HookServer, kind: "fetch" | "hono") {
  return async (options: WebhookOptions): Promise<StartedServer> => {
    const remote = await mountRemote(runtime(), hooks, kind, options);
    const close = async (o: { timeoutMs?: number } = {}) =>
      (await (await remote.close(o)).json()) as CloseResult;
    return {
      url: remote.url,
      webhook: { close },
      async close() {
        await close({ timeoutMs: 0 }).catch(() => {});
        remote.forget();
      },
    };
  };
}

/** Posts JSON to the remote app's control endpoint; resolves at the answer's head. */
async function post(url: string, body: unknown): Promise<Response> {
  const response = await fetch(url, { method: "POST", body: JSON.stringify(body) });
  if (!response.ok) throw new Error(`${url} answered ${response.status}: ${await response.text()}`);
  return response;
}
