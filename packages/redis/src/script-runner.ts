import { optionError } from "./option-error.js";
import type { Script } from "./scripts.js";

/**
 * The part of an ioredis client (`Redis`, `Cluster` is not supported) that the store uses. Structural, so
 * that this package does not import ioredis.
 */
export interface IoredisLike {
  /** Runs a script already loaded on the server, by its SHA1 (ioredis's spelling). */
  evalsha(sha: string, numkeys: number, ...keysAndArgs: string[]): Promise<unknown>;
  /** Loads and runs a Lua script (ioredis): the keys come first among the trailing arguments. */
  eval(source: string, numkeys: number, ...keysAndArgs: string[]): Promise<unknown>;
}

/** The part of a node-redis v4+ client (`createClient()`) that the store uses. */
export interface NodeRedisLike {
  /** Runs a script already loaded on the server, by its SHA1 (node-redis's spelling). */
  evalSha(
    sha: string,
    options: {
      /** The Redis keys the script touches (its `KEYS`). */
      keys: string[];
      /** The script's other arguments (its `ARGV`). */
      arguments: string[];
    },
  ): Promise<unknown>;
  /** Loads and runs a Lua script (node-redis), with its keys and arguments apart. */
  eval(
    source: string,
    options: {
      /** The Redis keys the script touches (its `KEYS`). */
      keys: string[];
      /** The script's other arguments (its `ARGV`). */
      arguments: string[];
    },
  ): Promise<unknown>;
}

/** Runs one of the store's scripts: EVALSHA, and EVAL when the server does not know the script (NOSCRIPT). */
export type ScriptRunner = (script: Script, keys: string[], args: string[]) => Promise<unknown>;

const isNoScript = (error: unknown) =>
  error instanceof Error && /^NOSCRIPT\b/.test(error.message.replace(/^\w*Error:\s*/, ""));

/** Picks how to run scripts on the user's client; throws when it is neither ioredis nor node-redis. */
export function scriptRunner(client: unknown): ScriptRunner {
  const candidate = client as Partial<NodeRedisLike & IoredisLike> | null;
  if (candidate && typeof candidate.evalSha === "function" && typeof candidate.eval === "function") {
    const redis = candidate as NodeRedisLike;
    return async (script, keys, args) => {
      try {
        return await redis.evalSha(script.sha, { keys, arguments: args });
      } catch (error) {
        if (!isNoScript(error)) throw error;
        return redis.eval(script.source, { keys, arguments: args });
      }
    };
  }
  if (candidate && typeof candidate.evalsha === "function" && typeof candidate.eval === "function") {
    const redis = candidate as IoredisLike;
    return async (script, keys, args) => {
      try {
        return await redis.evalsha(script.sha, keys.length, ...keys, ...args);
      } catch (error) {
        if (!isNoScript(error)) throw error;
        return redis.eval(script.source, keys.length, ...keys, ...args);
      }
    };
  }
  throw optionError(
    "`client` must be an ioredis client (new Redis(...)) or a node-redis v4+ client (createClient(...)), connected or connecting.",
  );
}
