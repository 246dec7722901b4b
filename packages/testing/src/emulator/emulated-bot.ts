import type { Update, UpdateInit } from "../updates/types.js";
import { isUpdateAllowed } from "./allowed-updates.js";
import { webhookBody } from "./ascii-json.js";
import { BotApiError } from "./bot-api-error.js";
import { type BotInfo, botProfile } from "./bot-profile.js";
import { type ChatMethodContext, checkChatCall, runChatMethod } from "./chat-methods.js";
import { ChatState } from "./chat-state.js";
import { type EmulatorClock, unixSeconds } from "./clock.js";
import { DeliveryEngine } from "./delivery-engine.js";
import type { DeliveryRecord, DropReason } from "./delivery-record.js";
import type { MethodOutcome } from "./envelope.js";
import { GetUpdatesThrottle, getUpdates, type LongPoll } from "./get-updates.js";
import { KNOWN_METHODS } from "./known-methods.js";
import { plausibleResult } from "./method-results.js";
import { webhookQueueIdOf } from "./queue-key.js";
import { type CallSource, isIgnoredReplyMethod, type RecordedCall } from "./recorded-call.js";
import { argString, type CallParams } from "./request-params.js";
import { processSetWebhook } from "./set-webhook.js";
import { expiresAt } from "./update-expiry.js";
import { MAX_PENDING_UPDATES, MAX_UPDATE_BYTES, type StoredUpdate, UpdateStore } from "./update-store.js";
import { DEFAULT_ALLOWED_UPDATES, updateTypeOf } from "./update-types.js";
import { webhookInfo } from "./webhook-info.js";
import type { WebhookTarget } from "./webhook-target.js";

/**
 * Answers calls of one method instead of the emulator's default. Return the `result` (or a promise of it);
 * return `undefined` to keep the default result; throw a `BotApiError` to fail the call with it.
 */
export type MethodHandler = (call: RecordedCall) => unknown;

/** Settings shared by every bot of one emulator. */
export interface BotSettings {
  readonly clock: EmulatorClock;
  readonly local: boolean;
  /** Production rules, but webhooks on loopback hosts are accepted. */
  readonly loopbackWebhooks: boolean;
  readonly deadlineMs: number;
  readonly setWebhookRateLimitMs: number;
  readonly random: () => number;
  readonly firstUpdateId: number | undefined;
  readonly handlers: ReadonlyMap<string, MethodHandler>;
  /** Something changed that may make the emulator idle. */
  readonly onChange: () => void;
}

/** A webhook that is set, with its delivery engine and the error getWebhookInfo shows. */
export interface ActiveWebhook {
  readonly url: string;
  readonly target: WebhookTarget;
  readonly secretToken: string;
  readonly maxConnections: number;
  readonly fixedIp: string;
  readonly hasCertificate: boolean;
  readonly engine: DeliveryEngine;
  lastErrorDate?: number;
  lastErrorMessage?: string;
}

/** What `installWebhook` needs. */
export type WebhookConfig = Omit<ActiveWebhook, "engine" | "lastErrorDate" | "lastErrorMessage"> & {
  readonly certificate: Buffer | undefined;
};

/** Methods the emulator implements itself; handlers cannot replace them. */
const CORE_METHODS = new Set(["setwebhook", "deletewebhook", "getwebhookinfo", "getupdates"]);

type MutableCall = { -readonly [K in keyof RecordedCall]: RecordedCall[K] };

/** One bot's state on the emulated Bot API server: its queue, webhook, settings and logs. */
export class EmulatedBot {
  readonly token: string;
  readonly info: BotInfo;
  readonly settings: BotSettings;
  readonly store: UpdateStore;
  readonly calls: RecordedCall[] = [];
  readonly deliveries: DeliveryRecord[] = [];
  readonly filteredUpdates: Update[] = [];
  allowedUpdates: ReadonlySet<string> = DEFAULT_ALLOWED_UPDATES;
  webhook: ActiveWebhook | undefined;
  /** A setWebhook waiting for its DNS lookup; a newer one terminates it. */
  pendingSet: { superseded: boolean } | undefined;
  /** Emulated ms before which a setWebhook with a URL gets 429. */
  nextSetWebhookAt = Number.NEGATIVE_INFINITY;
  setWebhookCalls = 0;
  longPoll: LongPoll | undefined;
  #activeCalls = 0;
  #nextUpdateId: number;
  /** The chats, messages and scripted behaviour of this bot's conversations. */
  readonly chats = new ChatState();
  readonly getUpdatesThrottle = new GetUpdatesThrottle();
  readonly #callListeners = new Set<(call: RecordedCall) => void>();
  readonly #deliveryListeners = new Set<(record: DeliveryRecord) => void>();

  constructor(token: string, settings: BotSettings, infoOverrides?: Partial<BotInfo>) {
    this.token = token;
    this.settings = settings;
    this.info = botProfile(token, infoOverrides);
    this.store = new UpdateStore((entry, reason, attempts) => this.#recordDrop(entry, reason, attempts));
    this.#nextUpdateId = settings.firstUpdateId ?? 2_000_001 + Math.floor(settings.random() * 997_999_999);
  }

  /** Queues an update as Telegram would create it; see `TelegramEmulator.sendUpdate`. */
  sendUpdate(init: UpdateInit): Update {
    const type = updateTypeOf(init);
    const payload = (init as Record<string, unknown>)[type];
    this.chats.learn(payload);
    if (!isUpdateAllowed(this.allowedUpdates, type)) {
      const filtered = { ...init, update_id: 0 } as Update;
      this.filteredUpdates.push(filtered);
      return filtered;
    }
    const id = init.update_id ?? this.#nextUpdateId;
    const update = { update_id: id, [type]: payload } as Update;
    const { clock } = this.settings;
    const now = clock.now();
    const body = webhookBody(id, type, payload);
    const entry: StoredUpdate = {
      id,
      type,
      queueKey: webhookQueueIdOf(type, payload),
      expiresAt: expiresAt(type, payload, now, Date.now()),
      body,
      done: false,
    };
    const payloadBytes = body.length - `{"update_id":${id},\n"${type}":}`.length;
    const dropReason: DropReason | undefined =
      payloadBytes > MAX_UPDATE_BYTES
        ? "too_big"
        : this.store.pendingCount >= MAX_PENDING_UPDATES
          ? "queue_full"
          : entry.expiresAt <= now
            ? "expired"
            : undefined;
    if (dropReason !== undefined) {
      // Never queued, so it gets no update_id, like a filtered update.
      this.#recordDrop({ ...entry, id: 0 }, dropReason);
      this.settings.onChange();
      return { ...update, update_id: 0 };
    }
    this.#nextUpdateId = Math.max(this.#nextUpdateId, id + 1);
    this.store.push(entry);
    this.webhook?.engine.wake();
    this.longPoll?.wake();
    return update;
  }

  /** Handles one Bot API call: records it, runs it, records the reply. Throws a `BotApiError` to fail. */
  async call(method: string, params: CallParams, source: CallSource): Promise<MethodOutcome> {
    const lower = method.toLowerCase();
    const record: MutableCall = {
      index: this.calls.length,
      method,
      params,
      source,
      at: this.settings.clock.now(),
    };
    this.calls.push(record);
    if (lower === "setwebhook") this.setWebhookCalls++;
    for (const listener of this.#callListeners) listener(record);
    // A long poll may wait for minutes; it must not keep the emulator busy.
    const counts = lower !== "getupdates";
    if (counts) this.#activeCalls++;
    try {
      const outcome = await this.#dispatch(lower, params, record);
      record.response =
        outcome.description === undefined
          ? { ok: true, result: outcome.result }
          : { ok: true, result: outcome.result, description: outcome.description };
      return outcome;
    } catch (thrown) {
      const error =
        thrown instanceof BotApiError
          ? thrown
          : new BotApiError(
              500,
              `Internal Server Error: ${thrown instanceof Error ? thrown.message : String(thrown)}`,
            );
      record.response = { ok: false, error_code: error.errorCode, description: error.description };
      throw error;
    } finally {
      if (counts) this.#activeCalls--;
      this.settings.onChange();
    }
  }

  async #dispatch(lower: string, params: CallParams, record: RecordedCall): Promise<MethodOutcome> {
    const handler = CORE_METHODS.has(lower) ? undefined : this.settings.handlers.get(lower);
    if (handler !== undefined) {
      const result = await handler(record);
      if (result !== undefined) return { result };
    }
    switch (lower) {
      case "getme":
        return { result: this.info };
      case "setwebhook":
      case "deletewebhook":
        return processSetWebhook(this, lower, params);
      case "getwebhookinfo":
        return { result: webhookInfo(this) };
      case "getupdates":
        return getUpdates(this, params);
      default: {
        if (!KNOWN_METHODS.has(lower)) throw new BotApiError(404, "Not Found: method not found");
        const context: ChatMethodContext = {
          state: this.chats,
          bot: this.info,
          date: unixSeconds(this.settings.clock),
        };
        checkChatCall(lower, params, context);
        return (
          runChatMethod(lower, params, context) ?? {
            result: plausibleResult(lower, params, {
              ...context,
              nextMessageId: (chatId) => this.chats.nextMessageId(chatId),
            }),
          }
        );
      }
    }
  }

  /** Starts delivering to a webhook that passed setWebhook's checks. */
  installWebhook(config: WebhookConfig): void {
    const { settings } = this;
    const engine = new DeliveryEngine({
      store: this.store,
      clock: settings.clock,
      target: config.target,
      secretToken: config.secretToken,
      maxConnections: config.maxConnections,
      certificate: config.certificate,
      deadlineMs: settings.deadlineMs,
      random: settings.random,
      onRecord: (record) => this.#addRecord(record),
      onError: (message) => {
        if (this.webhook?.engine !== engine) return;
        this.webhook.lastErrorDate = unixSeconds(settings.clock);
        this.webhook.lastErrorMessage = message;
      },
      onReply: (reply) => this.#executeReply(reply),
      onGone: () => {
        if (this.webhook?.engine === engine) this.removeWebhook();
      },
      onProgress: settings.onChange,
    });
    const { certificate: _certificate, ...rest } = config;
    this.webhook = { ...rest, engine };
    this.longPoll?.terminate(new BotApiError(409, "Conflict: terminated by setWebhook request"));
    engine.wake();
  }

  /** Stops the webhook; undelivered updates stay queued for getUpdates or the next webhook. */
  removeWebhook(): void {
    this.webhook?.engine.stop();
    this.webhook = undefined;
    this.settings.onChange();
  }

  /** Runs the Bot API call a webhook put in its 2xx reply, unless the server ignores that method. */
  async #executeReply(params: CallParams): Promise<void> {
    const method = argString(params, "method");
    if (method === "" || isIgnoredReplyMethod(method)) return;
    const { method: _method, ...rest } = params;
    await this.call(method, rest, "webhook-reply").catch(() => {});
  }

  /** True when nothing is pending, in flight or being answered. */
  get isIdle(): boolean {
    return (
      this.store.pendingCount === 0 && this.#activeCalls === 0 && (this.webhook?.engine.inFlight ?? 0) === 0
    );
  }

  /** A one-line account of what is left, for timeout messages. Never includes the token. */
  describe(): string {
    const parts = [`bot ${this.info.id}: ${this.store.pendingCount} updates pending`];
    if (this.webhook === undefined) parts.push("no webhook set");
    else {
      parts.push(`${this.webhook.engine.inFlight} requests in flight to ${redactUrl(this.webhook.url)}`);
      if (this.webhook.lastErrorMessage !== undefined)
        parts.push(`last error "${this.webhook.lastErrorMessage}"`);
    }
    if (this.#activeCalls > 0) parts.push(`${this.#activeCalls} API calls in progress`);
    return parts.join(", ");
  }

  onCall(listener: (call: RecordedCall) => void): () => void {
    this.#callListeners.add(listener);
    return () => this.#callListeners.delete(listener);
  }

  onDelivery(listener: (record: DeliveryRecord) => void): () => void {
    this.#deliveryListeners.add(listener);
    return () => this.#deliveryListeners.delete(listener);
  }

  /** Stops everything for `close()`. */
  shutdown(): void {
    this.webhook?.engine.stop();
    this.webhook = undefined;
    this.longPoll?.terminate(new BotApiError(500, "Internal Server Error: the emulator was closed"));
  }

  #recordDrop(entry: StoredUpdate, reason: DropReason, attempts = 0): void {
    const now = this.settings.clock.now();
    this.#addRecord({
      updateId: entry.id,
      updateType: entry.type,
      queueKey: entry.queueKey,
      attempt: attempts,
      outcome: "dropped",
      dropReason: reason,
      startedAt: now,
      finishedAt: now,
    });
  }

  #addRecord(record: DeliveryRecord): void {
    this.deliveries.push(record);
    for (const listener of this.#deliveryListeners) listener(record);
  }
}

/** A webhook URL without userinfo or query, safe for messages. */
function redactUrl(url: string): string {
  return url.replace(/\/\/[^/@]*@/, "//").replace(/[?#].*$/, "");
}
