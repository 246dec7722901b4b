import { telegramWebhook } from "@telehook/express";
import express from "express";
import { SECRET_TOKEN, WEBHOOK_PATH } from "../constants.js";
import { countUpdate, serveBenchmark } from "../server-harness.js";

// As the README mounts it: no body parser, telehook reads the stream.
const app = express();
app.use(WEBHOOK_PATH, telegramWebhook({ secretToken: SECRET_TOKEN, onUpdate: countUpdate }));
serveBenchmark(app.listen(0, "127.0.0.1"));
