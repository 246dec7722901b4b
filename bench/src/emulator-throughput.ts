import { messageOfType, startChild } from "./child.js";
import type { WebhookCounts } from "./emulator-webhook.js";

/** The emulator API this benchmark uses, written out so the bench builds whatever state it is in. */
interface EmulatorLike {
  readonly apiRoot: string;
  readonly token: string;
  sendUpdates(updates: readonly object[]): readonly { update_id: number }[];
  waitForIdle(options?: { timeoutMs?: number }): Promise<void>;
  readonly deliveries: readonly { outcome: string; status?: number; updateId: number }[];
  close(): Promise<void>;
}

interface TestingModule {
  createTelegramEmulator(options?: Record<string, unknown>): Promise<EmulatorLike>;
  updates: { message(options: { chatId?: number; text?: string }): object };
}

/** The emulator's delivery rate, or why it could not be measured yet. */
export type EmulatorOutcome = EmulatorResult | { readonly available: false; readonly reason: string };

export interface EmulatorResult {
  readonly available: true;
  readonly updates: number;
  readonly chats: number;
  readonly maxConnections: number;
  readonly seconds: number;
  readonly updatesPerSecond: number;
  readonly delivered: number;
  readonly received: number;
}

/** The target of the issue: the emulator must not be what limits a test suite. */
export const EMULATOR_TARGET_PER_SECOND = 5000;

/**
 * How many updates per second `createTelegramEmulator` delivers to a fast webhook: a bare node:http server
 * in another process that answers 200. `updates` text messages spread over `chats` private chats, so
 * Telegram's one-in-flight-per-chat rule still leaves `maxConnections` requests running at once. Counts
 * from the time the updates are queued until the emulator is idle; every update must arrive exactly once.
 */
export async function measureEmulator({
  updates = 20_000,
  chats = 1000,
  maxConnections = 100,
}: {
  updates?: number;
  chats?: number;
  maxConnections?: number;
} = {}): Promise<EmulatorOutcome> {
  const testing = await loadTesting();
  if (typeof testing === "string") return { available: false, reason: testing };
  const secret = "bench_emulator_secret";
  const webhook = startChild("emulator-webhook", { args: [secret] });
  const emulator = await testing.createTelegramEmulator({ setWebhookRateLimitMs: 0 });
  try {
    const { port } = await webhook.next(
      messageOfType<{ type: "ready"; port: number }>("ready"),
      20_000,
      "ready",
    );
    const response = await fetch(`${emulator.apiRoot}/bot${emulator.token}/setWebhook`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        url: `http://127.0.0.1:${port}/hook`,
        secret_token: secret,
        max_connections: maxConnections,
      }),
    });
    const answer = (await response.json()) as { ok?: boolean; description?: string };
    if (!answer.ok) throw new Error(`the emulator refused setWebhook: ${answer.description}`);

    const inits = Array.from({ length: updates }, (_, i) =>
      testing.updates.message({ chatId: 10_000 + (i % chats), text: `update ${i}` }),
    );
    const started = performance.now();
    emulator.sendUpdates(inits);
    await emulator.waitForIdle({ timeoutMs: 120_000 });
    const seconds = (performance.now() - started) / 1000;

    webhook.send({ type: "counts" });
    const counts = await webhook.next(messageOfType<WebhookCounts>("counts"), 10_000, "counts");
    const delivered = emulator.deliveries.filter((record) => record.outcome === "delivered").length;
    const failed = emulator.deliveries.length - delivered;
    const problems: string[] = [];
    if (counts.rejected !== 0) problems.push(`${counts.rejected} requests had a wrong secret`);
    if (counts.received !== updates) problems.push(`the webhook received ${counts.received} of ${updates}`);
    if (counts.distinct !== updates) problems.push(`only ${counts.distinct} distinct update_ids arrived`);
    if (delivered !== updates) problems.push(`the emulator recorded ${delivered} deliveries`);
    if (failed !== 0) problems.push(`${failed} delivery attempts failed`);
    if (problems.length > 0) throw new Error(`INVALID emulator benchmark: ${problems.join("; ")}`);
    return {
      available: true,
      updates,
      chats,
      maxConnections,
      seconds,
      updatesPerSecond: updates / seconds,
      delivered,
      received: counts.received,
    };
  } finally {
    webhook.send({ type: "close" });
    await webhook.exited(5000);
    await emulator.close();
  }
}

/** `@telehook/testing` with an emulator, or why it cannot be used (it is being written alongside). */
async function loadTesting(): Promise<TestingModule | string> {
  const testingPackage = "@telehook/testing";
  try {
    const testing = (await import(testingPackage)) as Partial<TestingModule>;
    if (
      typeof testing.createTelegramEmulator !== "function" ||
      typeof testing.updates?.message !== "function"
    ) {
      return "@telehook/testing does not export createTelegramEmulator and updates.message yet";
    }
    return testing as TestingModule;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return `@telehook/testing could not be loaded: ${message.split("\n")[0]}`;
  }
}
