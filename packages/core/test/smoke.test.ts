import { createFetchHandler } from "@telehook/core";
import { expect, test } from "vitest";

test("smoke", async () => {
  const seen: number[] = [];
  const handle = createFetchHandler({ secretToken: "s3cret", onUpdate: (u) => void seen.push(u.update_id) });
  const res = await handle(
    new Request("http://x/bot", {
      method: "POST",
      headers: { "content-type": "application/json", "x-telegram-bot-api-secret-token": "s3cret" },
      body: '{"update_id":5,"message":{}}',
    }),
  );
  expect(res.status).toBe(200);
  expect(seen).toEqual([5]);
});
