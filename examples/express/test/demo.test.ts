import { expect, test } from "vitest";
import { runOfflineDemo } from "../src/demo.js";

test("the offline demo registers the webhook, holds the conversation, turns away the forgery and ends", async () => {
  const transcript = await runOfflineDemo(() => {});
  expect(transcript).toEqual(
    expect.arrayContaining([
      expect.stringMatching(/^setWebhook on start-up: updated \(1 call to Telegram\)$/),
      "🤖 bot: Hi! Send me any text and I will send it back.   [ Wave back 👋 ]",
      expect.stringMatching(/answers the tap with “👋” and says: Nice to meet you/),
      "🤖 bot: how fast is this?",
      "🚫 a forged request with a guessed secret: HTTP 401 secret_token_invalid; the bot never saw it",
      "📬 Telegram delivered 3 updates (HTTP 200, 200, 200); pending: 0",
    ]),
  );
});
