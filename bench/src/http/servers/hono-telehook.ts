import type { Server } from "node:http";
import { serve } from "@hono/node-server";
import { telegramWebhook } from "@telehook/hono";
import { Hono } from "hono";
import { SECRET_TOKEN, WEBHOOK_PATH } from "../constants.js";
import { countUpdate, serveBenchmark } from "../server-harness.js";

const app = new Hono();
app.post(WEBHOOK_PATH, telegramWebhook({ secretToken: SECRET_TOKEN, onUpdate: countUpdate }));
serveBenchmark(serve({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" }) as Server);
