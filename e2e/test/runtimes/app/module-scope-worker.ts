/**
 * A Workers module built the way every Workers guide builds one: the webhooks are created once, at module
 * scope, and serve every later request. `/fetch` is `createFetchHandler` given the request's `ctx`, `/hono`
 * the Hono adapter in a Hono app. `/without-ctx` is a `createFetchHandler` with a short stuck-run limit
 * (`maxRunMs`) that is not given `ctx`, so workerd cancels what runs after its answer.
 *
 * An update whose text is a URL is slow: its handler waits for `<url>/wait` (the test holds it), then reports
 * `<url>/done`. Any other update is handled at once.
 */
import { createFetchHandler, type Update } from "@telehook/core";
import { telegramWebhook } from "@telehook/hono";
import { Hono } from "hono";
import type { RuntimeContext } from "./remote-webhook.js";

const options = {
  secretToken: "module_scope_secret",
  deadlineMs: 300,
  async onUpdate(update: Update) {
    const text = update.message?.text ?? "";
    if (!text.startsWith("http://")) return;
    await fetch(`${text}/wait`);
    await fetch(`${text}/done`, { method: "POST" });
  },
};

const webhook = createFetchHandler(options);
const withoutContext = createFetchHandler({ ...options, maxRunMs: 1000 });
const app = new Hono();
app.post("/hono", telegramWebhook(options));

export default {
  fetch(request: Request, env: unknown, ctx: RuntimeContext) {
    const { pathname } = new URL(request.url);
    if (pathname === "/fetch") return webhook(request, ctx);
    if (pathname === "/without-ctx") return withoutContext(request);
    return app.fetch(request, env as never, ctx as never);
  },
};
