import { createRedisStore } from "@telehook/redis";
import { type CutProxy, startCutProxy, startTestRedis, type TestRedis } from "@telehook/testing/redis-server";
import { describeStoreConformance } from "@telehook/testing/store-conformance";
import { afterAll, beforeAll } from "vitest";
import { CLIENT_KINDS, connectClient, type TestClient } from "./clients.js";

// The conformance suite on a real redis-server, through each client library. The clients reach Redis
// through a proxy that the outage test cuts, so the same test works against TELEHOOK_REDIS_URL.

let redis: TestRedis;
const clients: TestClient[] = [];
const proxies: CutProxy[] = [];

beforeAll(async () => {
  redis = await startTestRedis();
});
afterAll(async () => {
  for (const client of clients) await client.close();
  for (const proxy of proxies) await proxy.close();
  await redis?.stop();
});

for (const kind of CLIENT_KINDS) {
  let proxy: CutProxy | undefined;
  let connected: Promise<TestClient> | undefined;
  const client = () => {
    connected ??= (async () => {
      proxy = await startCutProxy(redis.port, redis.host);
      proxies.push(proxy);
      const made = await connectClient(kind, `redis://127.0.0.1:${proxy.port}`);
      clients.push(made);
      return made;
    })();
    return connected;
  };
  describeStoreConformance(`redis store (${kind})`, {
    create: async (namespace) =>
      createRedisStore({ client: (await client()).client, prefix: `${namespace}:` }),
    outage: {
      stop: async () => proxy?.cut(),
      start: async () => proxy?.restore(),
      observeMs: 600,
      recoverMs: 10_000,
    },
  });
}
