/**
 * One command: Redis and two Express instances sharing it (`npm start` here).
 * - With REDIS_URL set, uses that Redis; otherwise starts a redis-server of its own (from PATH).
 * - `npm start -- --demo`: sends every update of two chats to both instances at once, prints who ran what
 *   (each update once, each chat in order), and stops.
 * - Otherwise the instances stay up on ports 3001 and 3002 until Ctrl-C: point a load balancer at both.
 */
import { sendToBoth, startCluster } from "./cluster.js";

const secret = process.env.WEBHOOK_SECRET ?? "example_secret_token";
const demo = process.argv.includes("--demo");
const cluster = await startCluster(secret, demo ? [0, 0] : [3001, 3002]);
console.log(`two instances: ${cluster.urls.join(", ")}`);
if (demo) {
  const statuses = await sendToBoth(cluster, secret);
  // Copies that found the update running on the other instance got 409: Telegram would send them again.
  console.log(`answers: ${statuses.join(" ")}`);
  for (const line of cluster.lines()) if (line.includes("update")) console.log(line);
  await cluster.stop();
} else {
  process.once("SIGINT", () => void cluster.stop().then(() => process.exit(0)));
}
