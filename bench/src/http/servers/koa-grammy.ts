import { bodyParser } from "@koa/bodyparser";
import { Bot, webhookCallback } from "grammy";
import Koa from "koa";
import { BOT_INFO, BOT_TOKEN, SECRET_TOKEN } from "../constants.js";
import { countUpdate, serveBenchmark } from "../server-harness.js";

// As grammY documents it: its "koa" adapter reads ctx.request.body, so a body parser runs first, and it
// answers every request that reaches it.
const bot = new Bot(BOT_TOKEN, { botInfo: BOT_INFO });
bot.use(() => countUpdate());
const app = new Koa();
app.use(bodyParser());
app.use(webhookCallback(bot, "koa", { secretToken: SECRET_TOKEN }));
serveBenchmark(app.listen(0, "127.0.0.1"));
