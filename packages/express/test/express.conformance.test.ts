import { type ExpressWebhookMiddleware, telegramWebhook } from "@telehook/express";
import { describeWebhookConformance, listenerHarness } from "@telehook/testing/conformance";
import { EXPRESS_VERSIONS, type ExpressApp, type ExpressFactory, listen } from "./servers.js";

type Mount = (express: ExpressFactory, app: ExpressApp, webhook: ExpressWebhookMiddleware) => void;

/**
 * Each way of mounting the webhook must pass the whole suite. Body parsers that run first and keep what
 * they read (`raw` and `text` for JSON), or that skip a JSON body (`urlencoded`, default `text`), are
 * invisible to Telegram. `express.json()` before the webhook is covered in express.test.ts: it answers
 * some malformed requests itself, before the webhook runs.
 */
const MOUNTS: readonly (readonly [string, Mount])[] = [
  ["app.use", (_, app, webhook) => app.use("/bot", webhook)],
  [
    "a Router route",
    (express, app, webhook) => {
      const router = express.Router();
      router.all("/bot", webhook);
      app.use(router);
    },
  ],
  [
    "urlencoded and text parsers first",
    (express, app, webhook) => {
      app.use(express.urlencoded({ extended: false }), express.text());
      app.use("/bot", webhook);
    },
  ],
  [
    "express.raw for JSON first",
    (express, app, webhook) => {
      app.use(express.raw({ type: "application/json" }));
      app.use("/bot", webhook);
    },
  ],
  [
    "express.text for JSON first",
    (express, app, webhook) => {
      app.use(express.text({ type: "application/json" }));
      app.use("/bot", webhook);
    },
  ],
];

for (const [version, express] of EXPRESS_VERSIONS) {
  for (const [name, mount] of MOUNTS) {
    describeWebhookConformance(
      `${version}, ${name}`,
      listenerHarness(async (options) => {
        const app = express();
        const webhook = telegramWebhook(options);
        mount(express, app, webhook);
        return listen(app, webhook);
      }),
    );
  }
}
