import { createHash } from "node:crypto";

/** A Lua script and its SHA-1, the name Redis caches it under. */
export interface Script {
  /** What the script does, e.g. `"claim"`; only a label, never sent to Redis. */
  readonly name: string;
  /** The Lua source, sent with EVAL when the server does not have the script cached. */
  readonly source: string;
  /** The SHA-1 of `source` in lower-case hex, as EVALSHA takes it. */
  readonly sha: string;
}

function script(name: string, source: string): Script {
  return { name, source, sha: createHash("sha1").update(source).digest("hex") };
}

// KEYS[1] the update's lease, KEYS[2] its done mark, KEYS[3] (optional) its queue key's lease.
// A lease's value is its owner; a done mark's value does not matter. Each script runs atomically.

/** ARGV: owner, leaseMs. Answers claimed | done | busy | queued; takes nothing unless claimed. */
export const CLAIM = script(
  "claim",
  `local owner = ARGV[1]
if redis.call('EXISTS', KEYS[2]) == 1 then return 'done' end
local holder = redis.call('GET', KEYS[1])
if holder and holder ~= owner then return 'busy' end
if KEYS[3] then
  local chat = redis.call('GET', KEYS[3])
  if chat and chat ~= owner then return 'queued' end
  redis.call('SET', KEYS[3], owner, 'PX', ARGV[2])
end
redis.call('SET', KEYS[1], owner, 'PX', ARGV[2])
return 'claimed'`,
);

/** ARGV: owner, leaseMs. Answers 1 when this owner still holds the update (and its chat) and extended them. */
export const RENEW = script(
  "renew",
  `local owner = ARGV[1]
if redis.call('GET', KEYS[1]) ~= owner then return 0 end
if KEYS[3] then
  local chat = redis.call('GET', KEYS[3])
  if chat and chat ~= owner then return 0 end
  redis.call('SET', KEYS[3], owner, 'PX', ARGV[2])
end
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return 1`,
);

/**
 * ARGV: owner, retentionMs (or 0 to release). Marks the update done for retentionMs (not on a release),
 * then deletes the leases this owner holds. Answers 1.
 */
export const FINISH = script(
  "finish",
  `local owner = ARGV[1]
if tonumber(ARGV[2]) > 0 then redis.call('SET', KEYS[2], '1', 'PX', ARGV[2]) end
if redis.call('GET', KEYS[1]) == owner then redis.call('DEL', KEYS[1]) end
if KEYS[3] and redis.call('GET', KEYS[3]) == owner then redis.call('DEL', KEYS[3]) end
return 1`,
);
