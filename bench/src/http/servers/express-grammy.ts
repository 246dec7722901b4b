import express from "express";
import { Bot, webhookCallback } from "grammy";
import { BOT_INFO, BOT_TOKEN, SECRET_TOKEN, WEBHOOK_PATH } from "../constants.js";
import { countUpdate, serveBenchmark } from "../server-harness.js";

// As grammY documents it: grammY's "express" adapter reads `req.body`, so express.json() runs first.
const bot = new Bot(BOT_TOKEN, { botInfo: BOT_INFO });
bot.use(() => countUpdate());
const app = express();
app.use(express.json());
app.post(WEBHOOK_PATH, webhookCallback(bot, "express", { secretToken: SECRET_TOKEN }));
serveBenchmark(app.listen(0, "127.0.0.1"));
