import { expect, test } from "vitest";
import { sendToBoth, startCluster } from "../src/cluster.js";

test("two instances on one Redis: every update sent to both runs once, and each chat in order", {
  timeout: 60_000,
}, async () => {
  const secret = "example_test_secret";
  const cluster = await startCluster(secret);
  try {
    const statuses = await sendToBoth(cluster, secret, 6);
    expect(statuses.every((status) => status === 200 || status === 409)).toBe(true);
    // A copy answered 409 would be sent again by Telegram and acknowledged then: here, every update ran.
    const starts = cluster.lines().filter((line) => line.includes(": start update"));
    const ids = starts.map((line) => Number(/update (\d+)/.exec(line)?.[1]));
    expect([...ids].sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6]);
    for (const chat of [100, 101]) {
      const ofChat = cluster.lines().filter((line) => line.includes(`(chat ${chat})`));
      const order = ofChat.map(
        (line) => `${line.includes("start") ? "start" : "end"} ${/update (\d+)/.exec(line)?.[1]}`,
      );
      // One at a time, in update_id order, whichever instance ran each.
      for (let i = 0; i < order.length; i += 2) {
        expect(order[i]?.startsWith("start")).toBe(true);
        expect(order[i + 1]).toBe(order[i]?.replace("start", "end"));
      }
      const started = order
        .filter((entry) => entry.startsWith("start"))
        .map((entry) => Number(entry.split(" ")[1]));
      expect(started).toEqual([...started].sort((a, b) => a - b));
    }
  } finally {
    await cluster.stop();
  }
});
