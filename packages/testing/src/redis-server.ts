/**
 * `@telehook/testing/redis-server`: a real Redis for tests. `startTestRedis()` starts `redis-server` from
 * PATH on a random loopback port (or uses `TELEHOOK_REDIS_URL`), and `startCutProxy()` stands for a server
 * that goes away, for the store conformance suite's outage case.
 *
 * @packageDocumentation
 *
 * @example
 * import { startTestRedis } from "@telehook/testing/redis-server";
 * const redis = await startTestRedis();
 * const client = new Redis(redis.url);
 * // …
 * await redis.stop();
 */
export { type CutProxy, startCutProxy } from "./redis-server/cut-proxy.js";
export { startTestRedis, type TestRedis, type TestRedisOptions } from "./redis-server/test-redis.js";
