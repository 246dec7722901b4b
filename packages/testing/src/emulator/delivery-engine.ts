import type { AttemptResult } from "./attempt-result.js";
import { type BackoffState, nextRetryDelaySeconds } from "./backoff.js";
import type { EmulatorClock } from "./clock.js";
import { ConnectionPool } from "./connection-pool.js";
import { DeadlineQueue, type Expirable } from "./deadline-queue.js";
import type { DeliveryRecord } from "./delivery-record.js";
import { MinHeap } from "./min-heap.js";
import type { CallParams } from "./request-params.js";
import type { StoredUpdate, UpdateStore } from "./update-store.js";
import type { WebhookConnection } from "./webhook-connection.js";
import type { WebhookTarget } from "./webhook-target.js";

/** Without a 2xx for this long, delivery is "unhealthy": one connection, a new one at most every 2 s. */
const HEALTHY_WINDOW_MS = 10_000;
/** While unhealthy (and right after setWebhook), new connections open at most this often. */
const UNHEALTHY_CONNECT_INTERVAL_MS = 2000;
/** The request line and headers must fit in this many bytes, or the update is never sent. */
const MAX_REQUEST_HEAD_BYTES = 4096;
/** What the server records when the request head is too big. */
const URL_TOO_LONG = "URL is too long";

/** If every HTTP answer has been 410 for this long, the server deletes the webhook. */
const GONE_DROP_TIMEOUT_MS = 23 * 60 * 60 * 1000;

/** The webhook a delivery engine serves, and what it reports back to its bot. */
export interface DeliveryEngineOptions {
  readonly store: UpdateStore;
  readonly clock: EmulatorClock;
  readonly target: WebhookTarget;
  readonly secretToken: string;
  readonly maxConnections: number;
  /** The uploaded certificate, the only trust root for an https webhook when given. */
  readonly certificate: Buffer | undefined;
  readonly deadlineMs: number;
  readonly random: () => number;
  /** Every attempt's outcome, in the order they end. */
  readonly onRecord: (record: DeliveryRecord) => void;
  /** A delivery error to show in getWebhookInfo. */
  readonly onError: (message: string) => void;
  /** A 2xx reply carried a Bot API call; awaited before the update counts as delivered. */
  readonly onReply: (params: CallParams) => Promise<void>;
  /** Every HTTP answer was 410 for 23 hours: the webhook must go. */
  readonly onGone: () => void;
  /** Something changed that may make the bot idle. */
  readonly onProgress: () => void;
}

/** An update loaded into a queue, with its backoff state for this webhook. */
interface LoadedUpdate extends BackoffState {
  readonly entry: StoredUpdate;
  wakeupAt: number;
  attempts: number;
}

/** The updates of one queue key that are loaded; only the head is in flight or waiting. */
interface KeyQueue {
  readonly key: number;
  readonly items: LoadedUpdate[];
  head: number;
}

function headOf(queue: KeyQueue): LoadedUpdate {
  return queue.items[queue.head] as LoadedUpdate;
}

/**
 * Delivers a bot's updates to its webhook as the Bot API server's WebhookActor does: one update in flight or
 * in backoff per queue key, in update_id order; at most `maxConnections` requests at once over keep-alive
 * connections; at most 2 × maxConnections queues loaded; ready queues served by earliest wake-up time, ties
 * to the smaller key. One timer wakes it for the earliest backoff; no per-update timers besides deadlines.
 */
export class DeliveryEngine {
  readonly #options: DeliveryEngineOptions;
  readonly #pool: ConnectionPool;
  readonly #deadlines: DeadlineQueue<Expirable>;
  /** The constant start of every request, up to the Content-Length value. */
  readonly #head: string;
  readonly #queues = new Map<number, KeyQueue>();
  readonly #ready = new MinHeap<KeyQueue>((a, b) => {
    const wa = headOf(a).wakeupAt;
    const wb = headOf(b).wakeupAt;
    return wa < wb || (wa === wb && a.key < b.key);
  });
  #cursor: number;
  #inFlight = 0;
  #stopped = false;
  #pumpScheduled = false;
  #timerAt = Number.POSITIVE_INFINITY;
  #cancelTimer: (() => void) | undefined;
  #goneSince: number | undefined;
  #lastSuccessAt = Number.NEGATIVE_INFINITY;
  #lastOpenAt = Number.NEGATIVE_INFINITY;

  constructor(options: DeliveryEngineOptions) {
    this.#options = options;
    this.#cursor = options.store.start;
    this.#pool = new ConnectionPool(
      { target: options.target, certificate: options.certificate },
      options.clock,
    );
    this.#deadlines = new DeadlineQueue(options.clock);
    this.#head = requestHead(options.target, options.secretToken);
  }

  /** Requests in flight right now. */
  get inFlight(): number {
    return this.#inFlight;
  }

  /** New updates were queued, or the engine just started: deliver soon. */
  wake(): void {
    if (this.#pumpScheduled || this.#stopped) return;
    this.#pumpScheduled = true;
    queueMicrotask(() => this.#pump());
  }

  /** Stops delivering: in-flight requests are cut, connections closed; undelivered updates stay queued. */
  stop(): void {
    if (this.#stopped) return;
    this.#stopped = true;
    this.#cancelTimer?.();
    this.#cancelTimer = undefined;
    this.#deadlines.clear();
    this.#pool.destroy();
    this.#queues.clear();
    this.#ready.clear();
  }

  #pump(): void {
    this.#pumpScheduled = false;
    if (this.#stopped) return;
    const { clock, maxConnections } = this.#options;
    const now = clock.now();
    this.#load(now);
    let connectAt = Number.POSITIVE_INFINITY;
    while (this.#inFlight < maxConnections) {
      const queue = this.#ready.peek();
      if (queue === undefined || headOf(queue).wakeupAt > now) break;
      const item = headOf(queue);
      if (!item.entry.done && item.entry.expiresAt >= now) {
        connectAt = this.#nextConnectionAt(now);
        if (connectAt > now) break;
      }
      this.#ready.pop();
      if (item.entry.done) {
        this.#advance(queue);
      } else if (item.entry.expiresAt < now) {
        this.#options.store.finish(item.entry, "expired", item.attempts);
        this.#advance(queue);
      } else {
        this.#attempt(queue, item, now);
      }
      this.#load(now);
    }
    this.#armTimer(now, connectAt);
    this.#options.onProgress();
  }

  /**
   * When the next request may start, as far as connections go: now if a kept-alive one is free or delivery
   * is healthy (a 2xx in the last 10 s); otherwise (also right after setWebhook) only one connection may be
   * open, and a new one opens at most every 2 s. Infinity means "when the busy connection is free".
   */
  #nextConnectionAt(now: number): number {
    if (this.#pool.hasIdle || now - this.#lastSuccessAt <= HEALTHY_WINDOW_MS) return now;
    if (this.#pool.openCount >= 1) return Number.POSITIVE_INFINITY;
    return Math.max(now, this.#lastOpenAt + UNHEALTHY_CONNECT_INTERVAL_MS);
  }

  /** Loads updates in order while fewer than 2 × maxConnections queues are loaded. */
  #load(now: number): void {
    const { store, maxConnections } = this.#options;
    const limit = 2 * maxConnections;
    if (this.#cursor < store.start) this.#cursor = store.start;
    while (this.#cursor < store.end && this.#queues.size < limit) {
      const entry = store.at(this.#cursor++);
      if (entry.done) continue;
      if (entry.expiresAt < now) {
        store.finish(entry, "expired");
        continue;
      }
      const item: LoadedUpdate = { entry, wakeupAt: now, attempts: 0, delaySeconds: 1, failCount: 0 };
      const queue = this.#queues.get(entry.queueKey);
      if (queue === undefined) {
        const created: KeyQueue = { key: entry.queueKey, items: [item], head: 0 };
        this.#queues.set(entry.queueKey, created);
        this.#ready.push(created);
      } else {
        queue.items.push(item);
      }
    }
  }

  /** The head of a queue is finished: release the next one, or unload the queue. */
  #advance(queue: KeyQueue): void {
    queue.head++;
    if (queue.head >= queue.items.length) {
      this.#queues.delete(queue.key);
      return;
    }
    if (queue.head >= 64 && queue.head * 2 >= queue.items.length) {
      queue.items.splice(0, queue.head);
      queue.head = 0;
    }
    this.#ready.push(queue);
  }

  #armTimer(now: number, connectAt: number): void {
    const next = this.#ready.peek();
    if (next === undefined) return;
    const headAt = headOf(next).wakeupAt;
    const wakeupAt = headAt <= now ? connectAt : headAt;
    if (wakeupAt <= now || !Number.isFinite(wakeupAt) || wakeupAt >= this.#timerAt) return;
    this.#cancelTimer?.();
    this.#timerAt = wakeupAt;
    this.#cancelTimer = this.#options.clock.schedule(() => {
      this.#cancelTimer = undefined;
      this.#timerAt = Number.POSITIVE_INFINITY;
      this.wake();
    }, wakeupAt - now);
  }

  #attempt(queue: KeyQueue, item: LoadedUpdate, startedAt: number): void {
    const body = item.entry.body;
    const head = `${this.#head}${body.length}${REQUEST_HEAD_END}`;
    if (head.length > MAX_REQUEST_HEAD_BYTES) {
      // The server fails before sending and never resumes this queue: it stays stuck, the update pending.
      item.attempts++;
      this.#record(item, startedAt, startedAt, { outcome: "failed", error: URL_TOO_LONG });
      return;
    }
    this.#inFlight++;
    item.attempts++;
    let connection: WebhookConnection;
    try {
      if (!this.#pool.hasIdle) this.#lastOpenAt = startedAt;
      connection = this.#pool.acquire();
    } catch {
      // The socket could not even be created.
      const failure: AttemptResult = { kind: "failed", error: "Can't connect to the webhook" };
      queueMicrotask(() => this.#settle(queue, item, startedAt, failure).catch(() => {}));
      return;
    }
    const attempt: Expirable = {
      deadlineAt: startedAt + this.#options.deadlineMs,
      expire: () => connection.abort(connection.written ? "Read timeout expired" : "Write timeout expired"),
    };
    this.#deadlines.add(attempt);
    connection.send(`${head}${body}`, (result) => {
      this.#deadlines.delete(attempt);
      this.#settle(queue, item, startedAt, result).catch(() => {});
    });
  }

  async #settle(
    queue: KeyQueue,
    item: LoadedUpdate,
    startedAt: number,
    result: AttemptResult,
  ): Promise<void> {
    if (this.#stopped) return;
    const options = this.#options;
    if (result.kind === "delivered") {
      this.#goneSince = undefined;
      this.#lastSuccessAt = options.clock.now();
      if (result.reply !== undefined) await options.onReply(result.reply).catch(() => {});
      this.#inFlight--;
      if (this.#stopped) return;
      this.#record(item, startedAt, options.clock.now(), { outcome: "delivered", status: result.status });
      options.store.finish(item.entry);
      this.#advance(queue);
      this.wake();
      return;
    }
    this.#inFlight--;
    const now = options.clock.now();
    const gone = result.kind === "rejected" && this.#noteStatus(result.status, now);
    if (result.error !== "") options.onError(result.error);
    const retryAfter = result.kind === "rejected" ? result.retryAfter : 0;
    const waitMs = nextRetryDelaySeconds(item, retryAfter, options.random) * 1000;
    const base = {
      status: result.kind === "rejected" ? result.status : undefined,
      error: result.error,
      retryAfter: retryAfter > 0 ? retryAfter : undefined,
    };
    if (now + waitMs > item.entry.expiresAt) {
      this.#record(item, startedAt, now, { outcome: "failed", ...base });
      options.store.finish(item.entry, "expired", item.attempts);
      this.#advance(queue);
    } else {
      this.#record(item, startedAt, now, { outcome: "failed", ...base, retryInMs: waitMs });
      item.wakeupAt = now + waitMs;
      this.#ready.push(queue);
    }
    if (gone) options.onGone();
    else this.wake();
  }

  /** Tracks the 23-hour rule for 410 Gone; true when the webhook must be deleted now. */
  #noteStatus(status: number, now: number): boolean {
    if (status !== 410) {
      this.#goneSince = undefined;
      return false;
    }
    if (this.#goneSince === undefined) {
      this.#goneSince = now;
      return false;
    }
    return now - this.#goneSince > GONE_DROP_TIMEOUT_MS;
  }

  #record(item: LoadedUpdate, startedAt: number, finishedAt: number, fields: Partial<DeliveryRecord>): void {
    const entry = item.entry;
    const record: DeliveryRecord = {
      updateId: entry.id,
      updateType: entry.type,
      queueKey: entry.queueKey,
      attempt: item.attempts,
      outcome: "failed",
      ...withoutUndefined(fields),
      startedAt,
      finishedAt,
    };
    this.#options.onRecord(record);
  }
}

const REQUEST_HEAD_END = "\r\nConnection: keep-alive\r\nAccept-Encoding: gzip, deflate\r\n\r\n";

/**
 * The constant start of every request to a webhook, up to the Content-Length value: the request line and the
 * headers in the server's order and spelling (Host, Authorization, X-Telegram-Bot-Api-Secret-Token,
 * Content-Type, Content-Length, Connection, Accept-Encoding), and no User-Agent.
 */
function requestHead(target: WebhookTarget, secretToken: string): string {
  let head = `POST ${target.path} HTTP/1.1\r\nHost: ${target.hostHeader}\r\n`;
  if (target.authorization !== undefined) head += `Authorization: ${target.authorization}\r\n`;
  if (secretToken !== "") head += `X-Telegram-Bot-Api-Secret-Token: ${secretToken}\r\n`;
  return `${head}Content-Type: application/json\r\nContent-Length: `;
}

function withoutUndefined<T extends object>(fields: T): T {
  const copy = { ...fields };
  for (const key of Object.keys(copy) as (keyof T)[]) if (copy[key] === undefined) delete copy[key];
  return copy;
}
