import type { Server } from "node:http";
import { serve } from "@hono/node-server";
import { Hono } from "hono";
import { SECRET_HEADER, SECRET_TOKEN, WEBHOOK_PATH } from "../constants.js";
import { countUpdate, serveBenchmark } from "../server-harness.js";

// The floor: Hono on @hono/node-server, c.req.json(), a secret check before the body is read, the count.
const app = new Hono();
app.post(WEBHOOK_PATH, async (c) => {
  if (c.req.header(SECRET_HEADER) !== SECRET_TOKEN) return c.body(null, 401);
  const update = await c.req.json<{ update_id?: unknown }>();
  if (typeof update?.update_id !== "number") return c.body(null, 400);
  countUpdate();
  return c.body(null, 200);
});
serveBenchmark(serve({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" }) as Server);
