import { bodyParser } from "@koa/bodyparser";
import Router from "@koa/router";
import { type KoaWebhookMiddleware, telegramWebhook, type WebhookOptions } from "@telehook/koa";
import { describeWebhookConformance, listenerHarness } from "@telehook/testing/conformance";
import type Koa from "koa";
import { koaBody } from "koa-body";
import mount from "koa-mount";
import { KOA_VERSIONS, listen } from "./servers.js";

type Mount = (app: Koa, options: WebhookOptions) => KoaWebhookMiddleware;

/**
 * Each way of mounting the webhook must pass the whole suite. The body-parser setups here read the body
 * first and keep it (as raw text, or as a string); `@koa/bodyparser` and `koa-body` with their defaults
 * are covered in koa.test.ts: they answer some malformed requests themselves, before the webhook runs.
 */
const MOUNTS: readonly (readonly [string, Mount])[] = [
  [
    "the path option",
    (app, options) => {
      const webhook = telegramWebhook({ ...options, path: "/bot" });
      app.use(webhook);
      return webhook;
    },
  ],
  [
    "@koa/router",
    (app, options) => {
      const webhook = telegramWebhook(options);
      const router = new Router();
      router.all("/bot", webhook);
      app.use(router.routes());
      return webhook;
    },
  ],
  [
    "koa-mount",
    (app, options) => {
      const webhook = telegramWebhook(options);
      app.use(mount("/bot", webhook));
      return webhook;
    },
  ],
  [
    "@koa/bodyparser reading every body as text first",
    (app, options) => {
      const webhook = telegramWebhook({ ...options, path: "/bot" });
      app.use(bodyParser({ enableTypes: ["text"], extendTypes: { text: ["application/json", "text/*"] } }));
      app.use(webhook);
      return webhook;
    },
  ],
  [
    "koa-body reading JSON as a string first",
    (app, options) => {
      const webhook = telegramWebhook({ ...options, path: "/bot" });
      app.use(koaBody({ json: false, text: true, textTypes: ["application/json", "text/*"] }));
      app.use(webhook);
      return webhook;
    },
  ],
];

for (const [version, Koa] of KOA_VERSIONS) {
  for (const [name, mountWebhook] of MOUNTS) {
    describeWebhookConformance(
      `${version}, ${name}`,
      listenerHarness(async (options) => {
        const app = new Koa();
        return listen(app, mountWebhook(app, options));
      }),
    );
  }
}
