import { createServer } from "node:http";
import { Bot, webhookCallback } from "grammy";
import { BOT_INFO, BOT_TOKEN, SECRET_TOKEN, WEBHOOK_PATH } from "../constants.js";
import { countUpdate, serveBenchmark } from "../server-harness.js";

// As grammY documents it for node:http: its "http" adapter reads the body itself; the path is ours to check.
const bot = new Bot(BOT_TOKEN, { botInfo: BOT_INFO });
bot.use(() => countUpdate());
const callback = webhookCallback(bot, "http", { secretToken: SECRET_TOKEN });
const server = createServer((req, res) => {
  if (req.url === WEBHOOK_PATH) void callback(req, res);
  else res.writeHead(404).end();
});
serveBenchmark(server.listen(0, "127.0.0.1"));
