import { createTelegramEmulator, DEFAULT_BOT_TOKEN } from "@telehook/testing";
import { EMULATOR_HELP } from "./help.js";
import type { ListenContext } from "./listen-command.js";
import { readFlags } from "./read-flags.js";
import { UsageError } from "./usage-error.js";

/**
 * `telehook emulator`: runs the Telegram emulator as a process on a chosen port, with its browser page
 * (chat view and inspector) at `/`. Resolves with 0 once the signal aborts.
 */
export async function runEmulator(context: ListenContext): Promise<number> {
  const { values, positionals } = readFlags(
    context.argv,
    { port: "string", host: "string", production: "boolean", help: "boolean" },
    "emulator",
  );
  if (values.help) {
    context.out(EMULATOR_HELP);
    return 0;
  }
  if (positionals.length > 0) throw new UsageError("emulator takes no arguments besides options.");
  const portText = values.port ?? "8081";
  if (!/^\d+$/.test(portText) || Number(portText) > 65_535) {
    throw new UsageError("--port must be a port number (0 picks a free one).");
  }
  const envToken = context.env.TELEGRAM_BOT_TOKEN || undefined;
  let emulator: Awaited<ReturnType<typeof createTelegramEmulator>>;
  try {
    emulator = await createTelegramEmulator({
      token: envToken ?? DEFAULT_BOT_TOKEN,
      host: values.host ?? "127.0.0.1",
      port: Number(portText),
      ui: true,
      ...(values.production ? { local: false, loopbackWebhooks: true } : {}),
    });
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code === "EADDRINUSE")
      throw new UsageError(`port ${portText} is in use; pass another --port (0 picks a free one).`);
    if (error instanceof TypeError && envToken !== undefined) {
      throw new UsageError("TELEGRAM_BOT_TOKEN is not a well-formed bot token (<bot id>:<35 characters>).");
    }
    throw error;
  }
  context.out(
    [
      `Telegram emulator running (${values.production ? "production rules, loopback webhooks allowed" : "local Bot API server rules"}).`,
      `  Chat and inspector:  ${emulator.apiRoot}/`,
      `  API root:            ${emulator.apiRoot}   (e.g. TELEGRAM_API_ROOT=${emulator.apiRoot})`,
      envToken === undefined
        ? `  Bot token:           ${emulator.token}`
        : "  Bot token:           the one in TELEGRAM_BOT_TOKEN",
      "Let your bot call setWebhook (or getUpdates) there, then open the page. Ctrl-C stops it.",
      "",
    ].join("\n"),
  );
  await new Promise<void>((resolve) => {
    if (context.signal.aborted) resolve();
    else context.signal.addEventListener("abort", () => resolve(), { once: true });
  });
  await emulator.close();
  context.out("Emulator stopped.\n");
  return 0;
}
