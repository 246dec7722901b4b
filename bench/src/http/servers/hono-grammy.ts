import type { Server } from "node:http";
import { serve } from "@hono/node-server";
import { Bot, webhookCallback } from "grammy";
import { Hono } from "hono";
import { BOT_INFO, BOT_TOKEN, SECRET_TOKEN, WEBHOOK_PATH } from "../constants.js";
import { countUpdate, serveBenchmark } from "../server-harness.js";

// grammY's "hono" adapter reads the body with c.req.json() itself.
const bot = new Bot(BOT_TOKEN, { botInfo: BOT_INFO });
bot.use(() => countUpdate());
const app = new Hono();
app.post(WEBHOOK_PATH, webhookCallback(bot, "hono", { secretToken: SECRET_TOKEN }));
serveBenchmark(serve({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" }) as Server);
