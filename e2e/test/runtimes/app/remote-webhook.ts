/**
 * A webhook server that the tests drive from Node, for runtimes that run in another process (Bun, Deno,
 * workerd). It is plain web-standard code, bundled with the workspace packages and served by each runtime's
 * own entry (`bun.ts`, `deno.ts`, `worker.ts`).
 *
 * - `POST /__mount` `{ kind, options, hooks, callbackUrl }` builds a webhook (`createFetchHandler` or the Hono
 *   adapter in a Hono app) and answers `{ id }`; the webhook then answers at `/m/<id>/bot`.
 * - The options' values come as JSON. Each hook named in `hooks` (`onUpdate`, `onReject`, ...) becomes a call
 *   to `<callbackUrl>/<hook>`, where the test's own function runs in Node: what it returns or throws comes
 *   back here. Errors keep an id, so the test's `onError` sees its own error object again.
 * - `POST /__close/<id>` `{ timeoutMs }` calls the webhook's `close()`; the answer's head comes when the drain
 *   began, its body (the result) when it ended.
 */
import { type CloseResult, createFetchHandler, type WebhookOptions } from "@telehook/core";
import { telegramWebhook } from "@telehook/hono";
import { Hono } from "hono";

/** What the runtime knows about the request: Workers' `ctx` as it is, or the peer's address. */
export interface RuntimeContext {
  readonly remoteAddress?: string | undefined;
  waitUntil?(promise: Promise<unknown>): void;
}

interface MountRequest {
  readonly kind: "fetch" | "hono";
  readonly options: Record<string, unknown>;
  readonly hooks: readonly string[];
  readonly callbackUrl: string;
}

interface Mounted {
  handle(request: Request, context: RuntimeContext): Promise<Response>;
  close(options: { timeoutMs?: number }): Promise<CloseResult>;
}

/** Hooks whose return value core ignores: the answer waits until Node has seen them, so tests can check at once. */
const NOTIFICATIONS = new Set(["onReject", "onError", "onDeadline", "onDeadLetter"]);

const mounts = new Map<string, Mounted>();
const notifying = new Set<Promise<unknown>>();
let mountCount = 0;

export async function handleRequest(request: Request, context: RuntimeContext): Promise<Response> {
  const { pathname } = new URL(request.url);
  if (request.method === "POST" && pathname === "/__mount") {
    const id = String(++mountCount);
    mounts.set(id, mount(id, (await request.json()) as MountRequest));
    return Response.json({ id });
  }
  const closing = /^\/__close\/(\d+)$/.exec(pathname);
  if (request.method === "POST" && closing) {
    const mounted = mounts.get(closing[1] ?? "");
    if (!mounted) return Response.json({ error: "no such mount" }, { status: 404 });
    // The answer's head goes out as soon as the drain has begun, its body when it ends: the test sends its
    // next request after the head, in the order it called close() and send().
    const closed = mounted.close((await request.json()) as { timeoutMs?: number });
    // A first byte (JSON allows the space) makes every runtime send the head at once.
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode(" "));
        void closed.then(async (result) => {
          await settleNotifications();
          controller.enqueue(new TextEncoder().encode(JSON.stringify(result)));
          controller.close();
        });
      },
    });
    return new Response(body, { headers: { "content-type": "application/json" } });
  }
  const target = /^\/m\/(\d+)\//.exec(pathname);
  const mounted = target && mounts.get(target[1] ?? "");
  if (!mounted) return new Response("not found", { status: 404 });
  const response = await mounted.handle(request, context);
  await settleNotifications();
  return response;
}

function mount(id: string, { kind, options, hooks, callbackUrl }: MountRequest): Mounted {
  const webhookOptions = { ...options } as Record<string, unknown>;
  for (const hook of hooks)
    webhookOptions[hook] = remoteHook(`${callbackUrl}/${hook}`, NOTIFICATIONS.has(hook));
  if (kind === "fetch") {
    const webhook = createFetchHandler(webhookOptions as unknown as WebhookOptions);
    return { handle: (request, context) => webhook(request, context), close: (o) => webhook.close(o) };
  }
  const webhook = telegramWebhook(webhookOptions as unknown as WebhookOptions);
  const app = new Hono();
  app.use(`/m/${id}/bot`, webhook);
  return {
    handle: async (request, context) => app.fetch(request, {}, context as never),
    close: (o) => webhook.close(o),
  };
}

/** A hook that runs the test's function in Node. */
function remoteHook(url: string, notification: boolean) {
  return (...args: unknown[]) => {
    const call = fetch(url, { method: "POST", body: JSON.stringify(args.map(encodeArgument)) }).then(
      (response) => response.json() as Promise<{ value?: unknown; threw?: { message: string; id: number } }>,
    );
    if (notification) {
      const tracked = call.catch(() => {});
      notifying.add(tracked);
      void tracked.finally(() => notifying.delete(tracked));
      return undefined;
    }
    return call.then((answer) => {
      if (answer.threw)
        throw Object.assign(new Error(answer.threw.message), { remoteErrorId: answer.threw.id });
      return answer.value;
    });
  };
}

function encodeArgument(value: unknown): unknown {
  if (!(value instanceof Error)) return value;
  const { remoteErrorId, code } = value as { remoteErrorId?: number; code?: string };
  return { $error: { message: value.message, name: value.name, code, id: remoteErrorId } };
}

async function settleNotifications(): Promise<void> {
  while (notifying.size > 0) await Promise.allSettled([...notifying]);
}
