import type { WebhookRegistrationConfig } from "@telehook/core";
import {
  createTelegramEmulator,
  type RecordedCall,
  type TelegramEmulator,
  type TelegramEmulatorOptions,
} from "@telehook/testing";
import type { Cleanup } from "./cleanup.js";

/** The secret token every webhook in these tests checks, and registers through its `setWebhook` option. */
export const SECRET = "e2e-secret_0123456789-abcdefghij";

/** Starts an emulator that `cleanup` closes after the test. */
export async function startEmulator(
  cleanup: Cleanup,
  options: TelegramEmulatorOptions = {},
): Promise<TelegramEmulator> {
  const emulator = await createTelegramEmulator(options);
  cleanup.add(() => emulator.close());
  return emulator;
}

/** The adapter's `setWebhook` option for a webhook at `url`, registered with the emulator. */
export function registerWith(
  emulator: TelegramEmulator,
  url: string,
  extra: Partial<WebhookRegistrationConfig> = {},
): WebhookRegistrationConfig {
  return { token: emulator.token, url, apiRoot: emulator.apiRoot, ...extra };
}

/** setWebhook calls that changed the registration: Telegram answered "Webhook was set". */
export function changingSetWebhookCalls(emulator: TelegramEmulator): RecordedCall[] {
  return emulator
    .callsTo("setWebhook")
    .filter((call) => call.response?.ok === true && call.response.description === "Webhook was set");
}

/** Sets the webhook by hand over the emulator's HTTP API, as a deploy script would. */
export async function setWebhookByHand(
  emulator: TelegramEmulator,
  params: Record<string, unknown>,
): Promise<void> {
  const response = await fetch(`${emulator.apiRoot}/bot${emulator.token}/setWebhook`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(params),
  });
  const body = (await response.json()) as { ok: boolean };
  if (!body.ok) throw new Error(`setWebhook failed: ${JSON.stringify(body)}`);
}
