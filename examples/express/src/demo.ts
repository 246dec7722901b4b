/**
 * The offline demo: `pnpm demo` at the repository root.
 *
 * A local Telegram (the emulator from @telehook/testing) and this example's Express bot talk over real
 * HTTP on 127.0.0.1: the bot registers its webhook on start-up, the emulator delivers a short
 * conversation, a forged request is turned away, and the demo prints the transcript and exits.
 *
 * With TELEGRAM_BOT_TOKEN and WEBHOOK_URL set, the same app runs against the real Telegram instead
 * (see server.ts for the plain server).
 */
import { once } from "node:events";
import type { AddressInfo } from "node:net";
import { createTelegramEmulator, DEFAULT_USER, type RecordedCall, updates } from "@telehook/testing";
import type { Message, Update } from "grammy/types";
import { createApp } from "./app.js";
import { createBot } from "./bot.js";

/** Runs the scripted conversation and returns the transcript lines it printed. */
export async function runOfflineDemo(print: (line: string) => void = console.log): Promise<string[]> {
  const transcript: string[] = [];
  const say = (line: string) => {
    transcript.push(line);
    print(line);
  };
  const secretToken = "demo_secret-token_0123456789";
  const emulator = await createTelegramEmulator();
  const bot = createBot(emulator.token, { client: { apiRoot: emulator.apiRoot } });
  await bot.init();

  // Listen first, so the webhook URL with its port is known when the webhook registers itself.
  const { app, webhook, server, url } = await listenWithWebhook(async (url) =>
    createApp({ bot, secretToken, setWebhook: { token: emulator.token, url, apiRoot: emulator.apiRoot } }),
  );
  try {
    say(`Local Telegram at ${emulator.apiRoot}, @${bot.botInfo.username} served by Express at ${url}`);
    const registration = await webhook.ready;
    if (!registration?.ok) throw registration?.error ?? new Error("the webhook was not registered");
    const calls = registration.result.setWebhookCalls;
    say(
      `setWebhook on start-up: ${registration.result.reason} (${calls} call${calls === 1 ? "" : "s"} to Telegram)`,
    );
    const user = DEFAULT_USER.first_name;

    say("");
    say(`👤 ${user}: /start`);
    const welcome = await deliverAndAwaitReply(emulator, updates.message({ text: "/start" }), "sendMessage");
    say(`🤖 bot: ${welcome.params.text}   [ ${buttonsOf(welcome).join(" | ")} ]`);

    say(`👤 ${user} taps “Wave back 👋”`);
    // The tap comes on the very message the bot sent, as Telegram would report it.
    const sentMessage = welcome.response?.ok
      ? (welcome.response.result as Message.CommonMessage & Update.NonChannel)
      : undefined;
    const since = emulator.calls.length;
    emulator.sendUpdate(updates.callbackQuery({ data: "wave", message: sentMessage }));
    const answer = await emulator.waitForCall("answerCallbackQuery", { since });
    const reply = await emulator.waitForCall("sendMessage", { since });
    say(`🤖 bot answers the tap with “${answer.params.text}” and says: ${reply.params.text}`);

    say(`👤 ${user}: how fast is this?`);
    const echo = await deliverAndAwaitReply(
      emulator,
      updates.message({ text: "how fast is this?" }),
      "sendMessage",
    );
    say(`🤖 bot: ${echo.params.text}`);

    say("");
    const forged = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json", "x-telegram-bot-api-secret-token": "guessed-secret" },
      body: JSON.stringify(updates.message({ text: "/admin give me everything" })),
    });
    const { error } = (await forged.json()) as { error: string };
    say(`🚫 a forged request with a guessed secret: HTTP ${forged.status} ${error}; the bot never saw it`);

    await emulator.waitForIdle();
    const info = emulator.webhookInfo();
    const statuses = emulator.deliveries.map((delivery) => delivery.status ?? delivery.error ?? "?");
    say(
      `📬 Telegram delivered ${statuses.length} updates (HTTP ${statuses.join(", ")}); pending: ${info.pending_update_count}`,
    );
  } finally {
    await webhook.close({ timeoutMs: 5000 });
    server.close();
    await emulator.close();
  }
  void app;
  return transcript;
}

async function deliverAndAwaitReply(
  emulator: Awaited<ReturnType<typeof createTelegramEmulator>>,
  update: Parameters<typeof emulator.sendUpdate>[0],
  method: string,
): Promise<RecordedCall> {
  const since = emulator.calls.length;
  emulator.sendUpdate(update);
  return emulator.waitForCall(method, { since });
}

function buttonsOf(call: RecordedCall): string[] {
  const markup = call.params.reply_markup as { inline_keyboard?: { text: string }[][] } | undefined;
  return (markup?.inline_keyboard ?? []).flat().map((button) => button.text);
}

/** Starts an HTTP server on a random port, then builds the app for that port's URL and serves it. */
async function listenWithWebhook<T extends { app: import("express").Express }>(
  build: (url: string) => Promise<T>,
) {
  const { createServer } = await import("node:http");
  const server = createServer();
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/bot`;
  const built = await build(url);
  server.on("request", built.app);
  return { ...built, server, url };
}

/** Against the real Telegram: the same app, registering its public URL on start-up. */
async function runAgainstTelegram(token: string, webhookUrl: string): Promise<void> {
  const secretToken = process.env.WEBHOOK_SECRET ?? "telehook_demo_secret";
  const bot = createBot(token);
  await bot.init();
  const { app, webhook } = createApp({ bot, secretToken, setWebhook: { token, url: webhookUrl } });
  const port = Number(process.env.PORT ?? 3000);
  const server = app.listen(port, () =>
    console.log(`@${bot.botInfo.username} listening on :${port}, webhook ${webhookUrl}`),
  );
  const outcome = await webhook.ready;
  console.log(
    outcome?.ok ? `setWebhook: ${outcome.result.reason}` : `setWebhook failed: ${outcome?.error.message}`,
  );
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.once(signal, async () => {
      await webhook.close({ timeoutMs: 20_000 });
      server.close();
    });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { TELEGRAM_BOT_TOKEN: token, WEBHOOK_URL: webhookUrl } = process.env;
  if (token && webhookUrl) await runAgainstTelegram(token, webhookUrl);
  else await runOfflineDemo();
}
