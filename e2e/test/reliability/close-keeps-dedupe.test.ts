import { createMemoryStore, createWebhookHandler, type Update, type WebhookRequest } from "@telehook/core";
import { expect, test } from "vitest";

/** A graceful restart must not hand an update this process already handled to the next process. */

const SECRET = "known_gaps_secret-123";

function request(update: Update): WebhookRequest {
  const headers: Record<string, string> = {
    "content-type": "application/json",
    "x-telegram-bot-api-secret-token": SECRET,
  };
  return { method: "POST", header: (name) => headers[name], body: JSON.stringify(update) };
}

const message = (id: number): Update =>
  ({
    update_id: id,
    message: { message_id: id, date: 0, chat: { id: 1, type: "private" }, text: `m${id}` },
  }) as Update;

/**
 * A copy arrives whenever Telegram did not get the first answer: a connection lost on the way back, or a
 * request Telegram gave up on (60 s) while the server was overloaded. The reliability run
 * `restarts.test.ts` (SIGTERM) met this when a cold, starved process answered after Telegram's deadline.
 * While closing, an update already handled is acknowledged; only one not yet handled gets 503.
 */
test("close(): a redelivered copy of an update already handled is acknowledged, not handed to the next process", async () => {
  const handled: number[] = [];
  const options = {
    secretToken: SECRET,
    onUpdate: (update: Update) => void handled.push(update.update_id),
  };
  const old = createWebhookHandler(options);
  // Telegram delivers update 7; it is handled and answered 200, but the answer is lost on the way back.
  expect((await old.handle(request(message(7)))).status).toBe(200);
  // A deploy begins: the old process drains...
  await old.close();
  // ...and Telegram, which never heard back, sends update 7 again.
  const copy = await old.handle(request(message(7)));
  // Anything but a 2xx, and Telegram delivers it once more, to the new process with empty dedupe memory.
  const next = createWebhookHandler(options);
  if (copy.status < 200 || copy.status > 299) await next.handle(request(message(7)));
  expect(handled).toEqual([7]);
});

test("close(): an update not handled yet gets 503 with Retry-After, and is handled by the next process once", async () => {
  const handled: number[] = [];
  // A store shared by both processes, as Redis would be: the lookup while closing must not keep a claim.
  const shared = createMemoryStore();
  const options = {
    secretToken: SECRET,
    store: shared,
    onUpdate: (update: Update) => void handled.push(update.update_id),
  };
  const old = createWebhookHandler(options);
  await old.close();
  const refused = await old.handle(request(message(8)));
  expect([refused.status, refused.headers["retry-after"]]).toEqual([503, "5"]);
  // The claim made to look the update up was released, so the next process may run it.
  const next = createWebhookHandler(options);
  expect((await next.handle(request(message(8)))).status).toBe(200);
  expect(handled).toEqual([8]);
});
