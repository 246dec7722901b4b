import { telegramWebhook } from "@telehook/koa";
import Koa from "koa";
import { SECRET_TOKEN, WEBHOOK_PATH } from "../constants.js";
import { countUpdate, serveBenchmark } from "../server-harness.js";

// As the README mounts it: no body parser, telehook reads the stream.
const app = new Koa();
app.use(telegramWebhook({ path: WEBHOOK_PATH, secretToken: SECRET_TOKEN, onUpdate: countUpdate }));
serveBenchmark(app.listen(0, "127.0.0.1"));
