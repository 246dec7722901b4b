import { telegramWebhook } from "@telehook/express";
import { createRedisStore } from "@telehook/redis";
import express from "express";
import { Redis } from "ioredis";
import { SECRET_TOKEN, WEBHOOK_PATH } from "../constants.js";
import { countUpdate, serveBenchmark } from "../server-harness.js";

// express/telehook with the Redis store: the Redis URL is the first argument (a redis-server on loopback).
const url = process.argv[2];
if (!url) throw new Error("express-telehook-redis: pass the Redis URL as the first argument");
const client = new Redis(url);
const store = createRedisStore({ client, prefix: `bench-${process.pid}:` });
const app = express();
app.use(WEBHOOK_PATH, telegramWebhook({ secretToken: SECRET_TOKEN, onUpdate: countUpdate, store }));
serveBenchmark(app.listen(0, "127.0.0.1"));
