/**
 * `@telehook/redis`: a delivery store on Redis 6.2+ or Valkey, for a bot that runs as several instances
 * (behind a load balancer, in a cluster, or serverless). Pass it as `store` to any telehook adapter: a copy
 * of an update is then handled once across all instances, and a chat's updates run one at a time across
 * all of them. It takes the ioredis or node-redis client you already have.
 *
 * @packageDocumentation
 *
 * @example
 * import { Redis } from "ioredis";
 * import { telegramWebhook } from "@telehook/express";
 * import { createRedisStore } from "@telehook/redis";
 *
 * const store = createRedisStore({ client: new Redis(process.env.REDIS_URL) });
 * app.use("/telegram", telegramWebhook({ secretToken, onUpdate, store }));
 */
export { createRedisStore, type RedisStoreOptions } from "./redis-store.js";
export type { IoredisLike, NodeRedisLike } from "./script-runner.js";
