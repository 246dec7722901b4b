import { createRedisStore, type NodeRedisLike } from "@telehook/redis";
import { Redis } from "ioredis";
import { createClient } from "redis";
import { createClient as createClientV4 } from "redis4";

/** A Redis client of one library, as a user would make it, and how to close it. */
export interface TestClient {
  readonly client: Redis | NodeRedisLike;
  close(): Promise<void>;
}

export type ClientKind = "ioredis" | "node-redis" | "node-redis v4";

export const CLIENT_KINDS: readonly ClientKind[] = ["ioredis", "node-redis", "node-redis v4"];

/** Connects a client with the library's defaults (which queue commands while disconnected). */
export async function connectClient(kind: ClientKind, url: string): Promise<TestClient> {
  if (kind === "ioredis") {
    const client = new Redis(url, { lazyConnect: true });
    client.on("error", () => {});
    await client.connect();
    createRedisStore({ client });
    return { client, close: async () => void client.disconnect() };
  }
  // node-redis throws unhandled errors at the process without a listener: the outage tests cause some.
  if (kind === "node-redis") {
    const client = createClient({ url });
    client.on("error", () => {});
    await client.connect();
    // The types of the real clients are accepted as they are: no cast in a user's code either.
    createRedisStore({ client });
    return { client, close: () => client.close().catch(() => {}) };
  }
  const client = createClientV4({ url });
  client.on("error", () => {});
  await client.connect();
  createRedisStore({ client });
  return { client, close: () => client.disconnect().catch(() => {}) };
}
