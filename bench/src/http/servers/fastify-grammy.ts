import Fastify from "fastify";
import { Bot, webhookCallback } from "grammy";
import { BOT_INFO, BOT_TOKEN, SECRET_TOKEN, WEBHOOK_PATH } from "../constants.js";
import { countUpdate, serveBenchmark } from "../server-harness.js";

// As grammY documents it: its "fastify" adapter reads request.body, which Fastify's JSON parser filled.
const bot = new Bot(BOT_TOKEN, { botInfo: BOT_INFO });
bot.use(() => countUpdate());
const app = Fastify();
app.post(WEBHOOK_PATH, webhookCallback(bot, "fastify", { secretToken: SECRET_TOKEN }));
await app.listen({ port: 0, host: "127.0.0.1" });
serveBenchmark(app.server);
