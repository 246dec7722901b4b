import { type FastifyWebhookOptions, telegramWebhook } from "@telehook/fastify";
import type { StartedServer } from "@telehook/testing/conformance";
import fastify, { type FastifyInstance } from "fastify";
import fastify4 from "fastify4";
import fastify40 from "fastify40";

export type FastifyFactory = () => FastifyInstance;
export type AnyFastify = FastifyInstance;

/**
 * Every Fastify major the plugin supports, under one name each. Fastify 4's instance is typed as 5's:
 * the parts the tests use are the same in both.
 */
export const FASTIFY_VERSIONS: readonly (readonly [string, FastifyFactory])[] = [
  ["fastify 5", () => fastify()],
  ["fastify 4", () => fastify4() as unknown as FastifyInstance],
  // The oldest minor of the peer range `^4.0.0 || ^5.0.0`.
  ["fastify 4.0", () => fastify40() as unknown as FastifyInstance],
];

/**
 * Builds an app with the webhook registered (after `before` set up the app's own parts), listens on a
 * random loopback port, and returns its URL with the webhook's path.
 */
export async function startFastify(
  factory: FastifyFactory,
  options: FastifyWebhookOptions,
  before: (app: AnyFastify) => void | Promise<void> = () => {},
  prefix = "",
): Promise<StartedServer & { app: AnyFastify }> {
  const app = factory();
  await before(app);
  // Fastify 4's and 5's types differ; the plugin is written against the installed major.
  await app.register(telegramWebhook, { ...options, prefix });
  const address = await app.listen({ port: 0, host: "127.0.0.1" });
  const webhook = (app as unknown as { telegramWebhook: StartedServer["webhook"] }).telegramWebhook;
  return { app, url: `${address}${prefix}${options.path}`, webhook, close: () => app.close() };
}
