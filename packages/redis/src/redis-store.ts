import type { ClaimResult, DeliveryClaim, DeliveryStore, LeaseRequest } from "@telehook/core";
import { optionError } from "./option-error.js";
import { type IoredisLike, type NodeRedisLike, scriptRunner } from "./script-runner.js";
import { CLAIM, FINISH, RENEW } from "./scripts.js";

/** Options of {@link createRedisStore}. */
export interface RedisStoreOptions {
  /**
   * The client you already have: an ioredis `Redis` (v5+) or a node-redis client (v4+, from
   * `createClient()`, connected by you). The store uses it as you configured it and never connects,
   * disconnects or reconfigures it. Redis 6.2+ or Valkey; not Redis Cluster (a claim touches two keys).
   */
  client: IoredisLike | NodeRedisLike;
  /**
   * Put before every key the store writes, so that several bots (or environments) share one Redis without
   * seeing each other's updates. Keys are `<prefix>u:<update_id>`, `<prefix>d:<update_id>` and
   * `<prefix>q:<queue key>`.
   * @default "telehook:"
   * @see https://github.com/telehook/telehook#several-instances
   */
  prefix?: string;
  /**
   * A claim whose answer comes back later than this (in ms) is given back at once and reported as a failure.
   * Both clients queue commands while disconnected and send them once Redis is back: without this, a claim
   * the handler stopped waiting for (its `storeTimeoutMs` passed, and Telegram was answered 503) would
   * still take the update and its chat, and hold them until the lease ran out. Keep it at most the
   * handler's `storeTimeoutMs`.
   * @default 5000 (the handler's default `storeTimeoutMs`)
   * @see https://github.com/telehook/telehook#several-instances
   */
  lateClaimMs?: number;
}

const CLAIM_RESULTS: readonly unknown[] = ["claimed", "done", "busy", "queued"];

/**
 * A {@link DeliveryStore} on Redis 6.2+ or Valkey, shared by every instance of a bot: an update is handled
 * once across all of them, and a chat's updates run one at a time across all of them. Every call is one
 * round trip running one Lua script atomically (EVALSHA, and EVAL once after the server forgot the script):
 * one to claim an update and its chat together, one to confirm or release them, one per renewal.
 *
 * @example
 * import { Redis } from "ioredis";
 * import { createRedisStore } from "@telehook/redis";
 * const store = createRedisStore({ client: new Redis(process.env.REDIS_URL), prefix: "mybot:" });
 * app.use("/telegram", telegramWebhook({ secretToken, onUpdate, store }));
 */
export function createRedisStore(options: RedisStoreOptions): DeliveryStore {
  if (typeof options !== "object" || options === null) {
    throw optionError("createRedisStore() needs options: { client, prefix? }.");
  }
  const run = scriptRunner(options.client);
  const prefix = options.prefix ?? "telehook:";
  if (typeof prefix !== "string") throw optionError("`prefix` must be a string.");
  const lateClaimMs = options.lateClaimMs ?? 5000;
  if (!Number.isFinite(lateClaimMs) || lateClaimMs <= 0) {
    throw optionError("`lateClaimMs` must be a positive number of milliseconds.");
  }

  const keysOf = ({ updateId, queueKey }: DeliveryClaim): string[] => {
    const keys = [`${prefix}u:${updateId}`, `${prefix}d:${updateId}`];
    if (queueKey !== undefined) keys.push(`${prefix}q:${queueKey}`);
    return keys;
  };
  const ms = (value: number) => String(Math.max(1, Math.ceil(value)));
  const finish = (claim: DeliveryClaim, retentionMs: number) =>
    run(FINISH, keysOf(claim), [claim.owner, retentionMs > 0 ? ms(retentionMs) : "0"]).then(() => {});

  return {
    async claim(request: LeaseRequest): Promise<ClaimResult> {
      const sent = performance.now();
      const answer = await run(CLAIM, keysOf(request), [request.owner, ms(request.leaseMs)]);
      if (!CLAIM_RESULTS.includes(answer)) {
        throw new TypeError(`@telehook/redis: the claim script answered ${typeof answer}`);
      }
      if (answer === "claimed" && performance.now() - sent > lateClaimMs) {
        // Nobody waits for this claim any more: give it back rather than hold the update and its chat.
        finish(request, 0).catch(() => {});
        throw new Error(
          `@telehook/redis: the claim of update ${request.updateId} was answered after more than lateClaimMs (${lateClaimMs} ms); it was given back.`,
        );
      }
      return answer as ClaimResult;
    },
    async renew(request: LeaseRequest): Promise<boolean> {
      const answer = await run(RENEW, keysOf(request), [request.owner, ms(request.leaseMs)]);
      return Number(answer) === 1;
    },
    confirm(claim): Promise<void> {
      return finish(claim, claim.retentionMs);
    },
    release(claim): Promise<void> {
      return finish(claim, 0);
    },
  };
}
