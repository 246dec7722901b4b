import { applyAllowedUpdates } from "./allowed-updates.js";
import { BotApiError } from "./bot-api-error.js";
import type { EmulatedBot } from "./emulated-bot.js";
import type { MethodOutcome } from "./envelope.js";
import { argString, type CallParams } from "./request-params.js";
import type { StoredUpdate } from "./update-store.js";

/** A getUpdates call waiting for updates (long polling). */
export interface LongPoll {
  /** New updates arrived. */
  wake(): void;
  /** Ends the wait with an error, e.g. a newer getUpdates or a setWebhook. */
  terminate(error: BotApiError): void;
}

const WEBHOOK_ACTIVE =
  "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first";
const OTHER_POLLER =
  "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running";

/** The longest long poll the server allows, in seconds. */
const LONG_POLL_MAX_TIMEOUT_S = 50;

/**
 * The server's getUpdates throttling for one bot: a repeated offset within 3 s waits at least 3 s, within
 * 0.5 s gets at most one update; and a 409 Conflict reply is held 3 s when another was sent in the last 3 s.
 */
export class GetUpdatesThrottle {
  #previousOffset: number | undefined;
  #previousStart = Number.NEGATIVE_INFINITY;
  #nextConflictAt = Number.NEGATIVE_INFINITY;

  /** Adjusts one call's timeout (seconds) and limit as the server does, and remembers the call. */
  adjust(now: number, offset: number, timeout: number, limit: number): { timeout: number; limit: number } {
    let adjusted = { timeout: Math.min(timeout, LONG_POLL_MAX_TIMEOUT_S), limit };
    if (offset === this.#previousOffset) {
      if (adjusted.timeout < 3 && now < this.#previousStart + 3000) adjusted = { ...adjusted, timeout: 3 };
      if (now < this.#previousStart + 500) adjusted = { ...adjusted, limit: 1 };
    }
    this.#previousOffset = offset;
    this.#previousStart = now;
    return adjusted;
  }

  /** How long (emulated ms) a conflict reply waits: 0, or 3 s when another one went out in the last 3 s. */
  conflictDelay(now: number): number {
    if (now >= this.#nextConflictAt) {
      this.#nextConflictAt = now + 3000;
      return 0;
    }
    return 3000;
  }
}

/** Fails with a 409 Conflict, held back as the server holds repeated conflicts. */
export function failConflict(bot: EmulatedBot, description: string): Promise<never> {
  const error = new BotApiError(409, description);
  const { clock } = bot.settings;
  const delay = bot.getUpdatesThrottle.conflictDelay(clock.now());
  if (delay === 0) return Promise.reject(error);
  return new Promise((_resolve, reject) => {
    clock.schedule(() => reject(error), delay);
  });
}

function integerArg(params: CallParams, name: string, fallback: number): number {
  const match = /^\s*([+-]?\d+)/.exec(argString(params, name));
  return match?.[1] === undefined ? fallback : Number(match[1]);
}

/**
 * getUpdates: 409 while a webhook is set; otherwise confirms everything below `offset` (a negative offset
 * keeps only that many of the newest), returns up to `limit` (1–100) pending updates, and waits up to
 * `timeout` emulated seconds (at most 50) for one when there are none. Throttled like the server: see
 * {@link GetUpdatesThrottle}.
 */
export async function getUpdates(bot: EmulatedBot, params: CallParams): Promise<MethodOutcome> {
  if (bot.webhook !== undefined || bot.pendingSet !== undefined) return failConflict(bot, WEBHOOK_ACTIVE);
  const offset = integerArg(params, "offset", 0);
  const { timeout, limit } = bot.getUpdatesThrottle.adjust(
    bot.settings.clock.now(),
    offset,
    Math.max(integerArg(params, "timeout", 0), 0),
    Math.min(Math.max(integerArg(params, "limit", 100), 1), 100),
  );
  bot.allowedUpdates = applyAllowedUpdates(argString(params, "allowed_updates"), bot.allowedUpdates);
  confirm(bot, offset);
  let updates = collect(bot, limit);
  if (updates.length === 0 && timeout > 0) {
    await waitForUpdates(bot, timeout * 1000);
    updates = collect(bot, limit);
  }
  return { result: updates.map((entry) => JSON.parse(entry.body) as unknown) };
}

function confirm(bot: EmulatedBot, offset: number): void {
  if (offset === 0) return;
  const pending = [...bot.store.pending()];
  const keepFrom = offset < 0 ? Math.max(pending.length + offset, 0) : pending.length;
  pending.forEach((entry, index) => {
    if (offset > 0 ? entry.id < offset : index < keepFrom) bot.store.finish(entry);
  });
}

function collect(bot: EmulatedBot, limit: number): StoredUpdate[] {
  bot.store.dropExpired(bot.settings.clock.now());
  const result: StoredUpdate[] = [];
  for (const entry of bot.store.pending()) {
    if (result.length >= limit) break;
    result.push(entry);
  }
  return result;
}

function waitForUpdates(bot: EmulatedBot, timeoutMs: number): Promise<void> {
  bot.longPoll?.terminate(new BotApiError(409, OTHER_POLLER));
  return new Promise<void>((resolve, reject) => {
    const end = (error?: BotApiError): void => {
      cancel();
      if (bot.longPoll === poll) bot.longPoll = undefined;
      if (error === undefined) resolve();
      else if (error.errorCode === 409) failConflict(bot, error.description).catch(reject);
      else reject(error);
    };
    const poll: LongPoll = { wake: () => end(), terminate: (error) => end(error) };
    const cancel = bot.settings.clock.schedule(() => end(), timeoutMs);
    bot.longPoll = poll;
  });
}
