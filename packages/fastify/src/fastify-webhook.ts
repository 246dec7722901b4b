import {
  type BodyInput,
  createWebhookHandler,
  TelehookError,
  type WebhookControls,
  type WebhookOptions,
  type WebhookRequest,
  type WebhookResult,
  webhookControls,
} from "@telehook/core";
import { toWebhookRequest } from "@telehook/node";
import type {
  FastifyInstance,
  FastifyRegisterOptions,
  FastifyReply,
  FastifyRequest,
  HTTPMethods,
} from "fastify";

type RegisterOptions = FastifyRegisterOptions<Record<never, never>> & {
  prefix?: string;
  logLevel?: unknown;
  logSerializers?: unknown;
};

/**
 * Options of the Fastify `telegramWebhook` plugin: the core's options, the route's path, and the name the
 * controls are decorated under.
 * @see https://github.com/telehook/telehook#fastify
 */
export interface FastifyWebhookOptions extends WebhookOptions {
  /**
   * The route the plugin registers, such as `"/bot"`, below the prefix it is registered with. Whether
   * `/bot/` matches too follows the app's `ignoreTrailingSlash`.
   * @see https://github.com/telehook/telehook#fastify
   */
  path: string;
  /**
   * The name the webhook's controls (`ready`, `setWebhook()`, `close()`, `handler`) are decorated under
   * on the Fastify instance. Give each webhook its own name when you register more than one.
   * @default "telegramWebhook"
   * @see https://github.com/telehook/telehook#fastify
   */
  decorator?: string;
}

// Every method reaches the webhook, so that the core answers anything but POST with its own 405.
const METHODS: HTTPMethods[] = ["DELETE", "GET", "HEAD", "PATCH", "POST", "PUT", "OPTIONS"];

/**
 * The Fastify plugin. It registers one route for `path` with a content-type parser scoped to that route
 * alone, which hands the unread stream to the core: `maxBodyBytes` and `bodyTimeoutMs` hold while it
 * streams, and the app's own JSON parser is untouched elsewhere. Its controls are decorated on the
 * instance (see `decorator`), and `app.close()` drains it through an `onClose` hook. Throws a
 * `TelehookError` at registration when an option is wrong.
 *
 * @example
 * await app.register(telegramWebhook, { path: "/bot", secretToken, onUpdate: (u) => bot.handleUpdate(u) });
 * await app.telegramWebhook.ready;
 */
export async function telegramWebhook(app: FastifyInstance, options: FastifyWebhookOptions): Promise<void> {
  // Fastify adds its own register options (`prefix`, `logLevel`, ...) to the plugin's options.
  const {
    path,
    decorator = "telegramWebhook",
    prefix,
    logLevel,
    logSerializers,
    ...webhookOptions
  } = options as FastifyWebhookOptions & RegisterOptions;
  if (typeof path !== "string" || !path.startsWith("/")) {
    throw new TelehookError("invalid_options", 'path must start with "/", such as "/bot".', {
      source: "@telehook/fastify",
    });
  }
  const handler = createWebhookHandler(webhookOptions);
  app.decorate(decorator, webhookControls(handler));
  app.addHook("onClose", async () => {
    await handler.close();
  });
  const send = (request: FastifyRequest, reply: FastifyReply, result: WebhookResult): void => {
    reply.code(result.status);
    // A plain loop over the names: the usual answer has no header, and then nothing is allocated.
    for (const name in result.headers) {
      if (name === "connection" && request.raw.httpVersionMajor >= 2) continue;
      reply.header(name, result.headers[name]);
    }
    // An empty answer is sent without a body, so Fastify adds no content type.
    reply.send(result.body === "" ? undefined : result.body);
  };
  /**
   * Answers the request through `reply`; the promise settles once the answer was handed to Fastify. It
   * never rejects: handle() does not, and a reply that throws gets the error sent through Fastify's own
   * error handling.
   */
  const answer = (request: FastifyRequest, reply: FastifyReply, body: unknown): Promise<void> => {
    const converted = toWebhookRequest(request.raw);
    // Without a preParsing hook the payload is the raw stream, which the conversion already hands over.
    // A copy names the peer's address: it is a getter of the conversion's prototype, which a spread skips.
    const webhookRequest: WebhookRequest =
      body === request.raw
        ? converted
        : { ...converted, body: body as BodyInput, remoteAddress: converted.remoteAddress };
    return handler.handle(webhookRequest).then((result) => {
      try {
        send(request, reply, result);
      } catch (error) {
        reply.send(error as Error);
      }
    });
  };
  // A child context, so that the parser and the error handler below apply to the webhook's route alone.
  await app.register(
    async (route) => {
      route.removeAllContentTypeParsers();
      // Keep the stream unread: the core reads it within its limits. Telegram's own type gets a parser of its
      // own, which Fastify finds in its cache; a type only the catch-all matches is parsed again each time.
      const unread = (
        _request: FastifyRequest,
        payload: unknown,
        done: (error: null, body: unknown) => void,
      ) => done(null, payload);
      route.addContentTypeParser("application/json", unread);
      route.addContentTypeParser("*", unread);
      // Fastify 5 refuses a malformed Content-Type before any handler; the core answers it instead, in its
      // own order (a DELETE is 405 whatever its type). Every other error goes on to the app's handler.
      route.setErrorHandler(async (error: { code?: unknown }, request, reply) => {
        if (error.code !== "FST_ERR_CTP_INVALID_MEDIA_TYPE" || reply.sent) throw error;
        await answer(request, reply, request.raw);
        return reply;
      });
      route.route({
        method: METHODS,
        url: path,
        // The parser's payload: the raw stream, or what a preParsing hook put in its place. The handler
        // answers through `reply` and returns nothing (Fastify's callback style), which spares Fastify
        // waiting on a promise.
        handler: (request, reply) => {
          void answer(request, reply, request.body ?? request.raw);
        },
      });
    },
    { prefix, logLevel, logSerializers } as RegisterOptions,
  );
}

// Run in the registering context, so that the decoration and the onClose hook reach the app; the route
// and its parser sit in their own child context above.
Object.assign(telegramWebhook, {
  [Symbol.for("skip-override")]: true,
  [Symbol.for("fastify.display-name")]: "@telehook/fastify",
});

declare module "fastify" {
  interface FastifyInstance {
    /** The controls of the webhook registered with `@telehook/fastify` under the default decorator. */
    telegramWebhook: WebhookControls;
  }
}
