import { type ChildProcess, fork } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { startTestRedis } from "@telehook/testing/redis-server";

const HERE = dirname(fileURLToPath(import.meta.url));

/** Redis and two instances, running. */
export interface Cluster {
  readonly urls: readonly string[];
  /** Every line the instances printed so far. */
  lines(): string[];
  stop(): Promise<void>;
}

/**
 * Starts Redis (a redis-server of its own on a free port, or REDIS_URL's) and two instances of the bot on
 * free ports, all on 127.0.0.1.
 */
export async function startCluster(secret: string, ports: readonly number[] = [0, 0]): Promise<Cluster> {
  const redis = process.env.REDIS_URL
    ? { url: process.env.REDIS_URL, stop: async () => {} }
    : await startTestRedis();
  const lines: string[] = [];
  const children: ChildProcess[] = [];
  const urls: string[] = [];
  try {
    for (const [index, requested] of ports.entries()) {
      const name = String.fromCharCode(97 + index);
      const port = requested || (await freePort());
      const child = fork(join(HERE, "instance.ts"), [], {
        execArgv: ["--conditions=@telehook/source", "--import", "tsx"],
        env: {
          ...process.env,
          REDIS_URL: redis.url,
          WEBHOOK_SECRET: secret,
          PORT: String(port),
          INSTANCE: name,
        },
        stdio: ["ignore", "pipe", "inherit", "ipc"],
      });
      children.push(child);
      child.stdout?.on("data", (chunk: Buffer) => {
        for (const line of chunk.toString().split("\n")) if (line) lines.push(line);
      });
      await new Promise<void>((resolve, reject) => {
        child.once("message", () => resolve());
        child.once("exit", (code) => reject(new Error(`instance ${name} exited with ${code}`)));
      });
      urls.push(`http://127.0.0.1:${port}/bot`);
    }
  } catch (error) {
    for (const child of children) child.kill("SIGKILL");
    await redis.stop();
    throw error;
  }
  return {
    urls,
    lines: () => [...lines],
    async stop() {
      await Promise.all(
        children.map(
          (child) =>
            new Promise<void>((resolve) => {
              if (child.exitCode !== null) return resolve();
              child.once("exit", () => resolve());
              child.kill("SIGTERM");
              setTimeout(() => child.kill("SIGKILL"), 15_000).unref();
            }),
        ),
      );
      await redis.stop();
    },
  };
}

async function freePort(): Promise<number> {
  const { createServer } = await import("node:net");
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  const port = typeof address === "object" && address !== null ? address.port : 0;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/**
 * What a load balancer and Telegram's redeliveries do to the two instances: every update of two chats is
 * sent to both at once. Answers each request's status.
 */
export async function sendToBoth(cluster: Cluster, secret: string, count = 6): Promise<number[]> {
  const statuses: Promise<number>[] = [];
  for (let id = 1; id <= count; id++) {
    const update = {
      update_id: id,
      message: { message_id: id, date: 0, chat: { id: 100 + (id % 2), type: "private" }, text: `m${id}` },
    };
    for (const url of cluster.urls) {
      statuses.push(
        fetch(url, {
          method: "POST",
          headers: { "content-type": "application/json", "x-telegram-bot-api-secret-token": secret },
          body: JSON.stringify(update),
        }).then((response) => response.status),
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  return Promise.all(statuses);
}
