import Fastify from "fastify";
import { SECRET_HEADER, SECRET_TOKEN, WEBHOOK_PATH } from "../constants.js";
import { countUpdate, serveBenchmark } from "../server-harness.js";

// The floor: Fastify, its own JSON body parser, a secret check before the body is read (an onRequest
// hook), the count.
const app = Fastify();
app.addHook("onRequest", async (request, reply) => {
  if (request.headers[SECRET_HEADER.toLowerCase()] !== SECRET_TOKEN) return reply.code(401).send();
});
app.post(WEBHOOK_PATH, async (request, reply) => {
  if (typeof (request.body as { update_id?: unknown } | undefined)?.update_id !== "number") {
    return reply.code(400).send();
  }
  countUpdate();
  return reply.code(200).send();
});
await app.listen({ port: 0, host: "127.0.0.1" });
serveBenchmark(app.server);
