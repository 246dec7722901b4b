import { Agent } from "node:http";
import { type BotApi, createBotApi, TelegramApiError, TelehookError, type Update } from "@telehook/core";
import { displayWebhookUrl, queueKeyOf } from "@telehook/core/internal";
import {
  type BackoffState,
  isIgnoredReplyMethod,
  nextRetryDelaySeconds,
  webhookBody,
} from "@telehook/testing";
import { LISTEN_HELP } from "./help.js";
import { httpUrlFlag } from "./http-url-flag.js";
import { readFlags } from "./read-flags.js";
import { UsageError } from "./usage-error.js";
import { postUpdate } from "./webhook-post.js";

/** What `telehook listen` needs from its caller. */
export interface ListenContext {
  /** The arguments after the command name (`listen` or `emulator`). */
  readonly argv: readonly string[];
  /** The process environment (`TELEGRAM_BOT_TOKEN`, …). */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Writes to standard output, with the token redacted. */
  readonly out: (text: string) => void;
  /** Writes to standard error, with the token redacted. */
  readonly err: (text: string) => void;
  /** Aborted on Ctrl-C: stop polling, cut deliveries in flight, exit 0. */
  readonly signal: AbortSignal;
}

/** One update waiting for, or in, delivery to the local webhook. */
interface Pending {
  readonly update: Update;
  readonly type: string;
  readonly key: string | undefined;
  attempt: number;
  /** Telegram's backoff state, as the emulator models it. */
  readonly backoff: BackoffState;
}

const DEADLINE_MS = 60_000;

/**
 * `telehook listen --forward <url>`: long-polls getUpdates for the bot in TELEGRAM_BOT_TOKEN and POSTs each
 * update to a local webhook as Telegram's server would (headers, secret, ASCII body, one update in flight
 * per chat, Telegram's backoff and Retry-After, a reply `method` executed). An update is confirmed to
 * Telegram only after a 2xx. Resolves with the exit code.
 */
export async function runListen(context: ListenContext): Promise<number> {
  const { values, positionals } = readFlags(
    context.argv,
    {
      forward: "string",
      "api-root": "string",
      "secret-token": "string",
      "delete-webhook": "boolean",
      "max-connections": "string",
      "poll-timeout": "string",
      help: "boolean",
    },
    "listen",
  );
  if (values.help) {
    context.out(LISTEN_HELP);
    return 0;
  }
  if (positionals.length > 0) throw new UsageError("listen takes no arguments besides options.");
  const forward = values.forward;
  if (forward === undefined)
    throw new UsageError("listen needs --forward <url>, e.g. http://localhost:3000/bot.");
  const url = httpUrlFlag(forward, "forward", "http://localhost:3000/bot");
  const maxConnections = wholeNumber(values["max-connections"], "max-connections") ?? 40;
  const pollTimeout = Math.min(wholeNumber(values["poll-timeout"], "poll-timeout") ?? 50, 50);
  const token = context.env.TELEGRAM_BOT_TOKEN;
  if (!token) throw new UsageError("TELEGRAM_BOT_TOKEN is not set. Export the dev bot's token first.");
  const secretToken = values["secret-token"] ?? (context.env.WEBHOOK_SECRET || undefined);
  const api = createBotApi({
    token,
    apiRoot: values["api-root"] ?? (context.env.TELEGRAM_API_ROOT || undefined),
    timeoutMs: (pollTimeout + 15) * 1000,
  });

  const info = await api.getWebhookInfo();
  if (info.url) {
    const shown = displayWebhookUrl(info.url);
    if (!values["delete-webhook"]) {
      context.err(
        `telehook: the bot has a webhook set (${shown}), and getUpdates cannot run while it is. ` +
          "Run again with --delete-webhook to delete it (pending updates are kept), or use a separate dev bot.\n",
      );
      return 1;
    }
    await api.deleteWebhook({});
    context.out(
      `Deleted the webhook ${shown}; ${info.pending_update_count} pending update(s) are kept.\n` +
        `Restore it afterwards with: telehook set --url ${JSON.stringify(shown)}\n`,
    );
  }
  context.out(`Forwarding updates to ${url.href} (Ctrl-C to stop).\n`);

  const relay = new Relay({
    api,
    url,
    secretToken,
    maxConnections,
    out: context.out,
    signal: context.signal,
  });
  await relay.run(pollTimeout);
  context.out(
    `Stopped. ${relay.delivered} update(s) delivered, ${relay.pendingCount} left for Telegram to resend.\n`,
  );
  return 0;
}

function wholeNumber(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value) || Number(value) < 1)
    throw new UsageError(`--${name} must be a whole number above 0.`);
  return Number(value);
}

interface RelayOptions {
  readonly api: BotApi;
  readonly url: URL;
  readonly secretToken: string | undefined;
  readonly maxConnections: number;
  readonly out: (text: string) => void;
  readonly signal: AbortSignal;
}

/** The poll loop and the per-key delivery queues. */
class Relay {
  delivered = 0;
  readonly #options: RelayOptions;
  readonly #agent: Agent;
  /** Every update fetched and not yet delivered, by update_id. */
  readonly #pending = new Map<number, Pending>();
  /** Update ids waiting per queue key, oldest first; the head is in flight or in backoff. */
  readonly #queues = new Map<string, Pending[]>();
  readonly #ready: Pending[] = [];
  #inFlight = 0;
  #maxSeen = 0;
  /** The offset of the last getUpdates call, which confirmed everything below it. */
  #confirmed = 0;
  #progress: (() => void) | undefined;
  readonly #timers = new Set<NodeJS.Timeout>();

  constructor(options: RelayOptions) {
    this.#options = options;
    this.#agent = new Agent({ keepAlive: true, maxSockets: options.maxConnections });
  }

  get pendingCount(): number {
    return this.#pending.size;
  }

  /** The offset that confirms exactly the updates delivered: the oldest one still pending. */
  get #offset(): number {
    let lowest = this.#maxSeen + 1;
    for (const id of this.#pending.keys()) lowest = Math.min(lowest, id);
    return lowest;
  }

  async run(pollTimeout: number): Promise<void> {
    const { api, signal } = this.#options;
    while (!signal.aborted) {
      // With updates still pending, getUpdates answers at once (they are not confirmed): poll briefly.
      const busy = this.#pending.size > 0;
      let updates: Update[];
      const offset = this.#offset;
      // The call confirms everything below offset as soon as the server reads it, even if it is cut short.
      this.#confirmed = offset;
      try {
        updates = (await api.call(
          "getUpdates",
          { offset, timeout: busy ? 0 : pollTimeout, limit: 100 },
          { signal },
        )) as Update[];
      } catch (error) {
        if (signal.aborted) break;
        const wait = error instanceof TelegramApiError && error.retryAfter ? error.retryAfter : 3;
        this.#options.out(`${stamp()} getUpdates failed: ${describe(error)}; retrying in ${wait} s\n`);
        await this.#sleep(wait * 1000);
        continue;
      }
      let fresh = 0;
      for (const update of updates) {
        if (update.update_id <= this.#maxSeen) continue;
        this.#maxSeen = update.update_id;
        this.#add(update);
        fresh++;
      }
      this.#pump();
      if (busy || (fresh === 0 && this.#pending.size > 0)) await this.#waitForProgress(1000);
    }
    for (const timer of this.#timers) clearTimeout(timer);
    this.#agent.destroy();
    // Confirm what was delivered, so Telegram does not send it again next time.
    if (this.#offset > this.#confirmed && this.#confirmed > 0) {
      await api.call("getUpdates", { offset: this.#offset, timeout: 0, limit: 1 }).catch(() => {});
    }
  }

  #add(update: Update): void {
    const type = Object.keys(update).find((key) => key !== "update_id") ?? "unknown";
    const item: Pending = {
      update,
      type,
      key: queueKeyOf(update, type),
      attempt: 0,
      backoff: { delaySeconds: 1, failCount: 0 },
    };
    this.#pending.set(update.update_id, item);
    if (item.key === undefined) {
      this.#ready.push(item);
      return;
    }
    const queue = this.#queues.get(item.key);
    if (queue === undefined) {
      this.#queues.set(item.key, [item]);
      this.#ready.push(item);
    } else {
      queue.push(item);
    }
  }

  #pump(): void {
    while (this.#inFlight < this.#options.maxConnections && !this.#options.signal.aborted) {
      const item = this.#ready.shift();
      if (item === undefined) return;
      this.#inFlight++;
      this.#deliver(item)
        // A delivery that throws (say, a closed output stream) is told, not left as an unhandled rejection.
        .catch((error: unknown) => this.#options.out(`${stamp()}  delivery failed: ${describe(error)}\n`))
        .finally(() => {
          this.#inFlight--;
          this.#pump();
        });
    }
  }

  async #deliver(item: Pending): Promise<void> {
    const { url, secretToken, signal, out } = this.#options;
    item.attempt++;
    const started = performance.now();
    const outcome = await postUpdate({
      url,
      body: webhookBody(
        item.update.update_id,
        item.type,
        (item.update as unknown as Record<string, unknown>)[item.type],
      ),
      secretToken,
      agent: this.#agent,
      deadlineMs: DEADLINE_MS,
      signal,
    });
    if (signal.aborted) return;
    const latency = `${Math.round(performance.now() - started)} ms`;
    const line = `${stamp()}  update ${item.update.update_id}  ${item.type}`;
    const attempt = item.attempt > 1 ? `  attempt ${item.attempt}` : "";
    if (outcome.kind === "response" && outcome.status >= 200 && outcome.status <= 299) {
      const reply = outcome.reply;
      out(`${line}  ${outcome.status} ${outcome.reason}  ${latency}${attempt}\n`);
      this.delivered++;
      if (reply !== undefined) await this.#runReply(reply);
      this.#finish(item);
      return;
    }
    const problem =
      outcome.kind === "response"
        ? `${outcome.status} ${outcome.reason}`.trimEnd()
        : `failed: ${outcome.error}`;
    const waitS = nextRetryDelaySeconds(item.backoff, outcome.kind === "response" ? outcome.retryAfter : 0);
    out(`${line}  ${problem}  ${latency}${attempt}  retry in ${waitS} s\n`);
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      this.#ready.unshift(item);
      this.#pump();
    }, waitS * 1000);
    this.#timers.add(timer);
  }

  async #runReply(reply: Record<string, unknown>): Promise<void> {
    const { method, ...params } = reply;
    if (typeof method !== "string" || isIgnoredReplyMethod(method)) return;
    try {
      await this.#options.api.call(method as "sendMessage", params as never);
      this.#options.out(`${stamp()}    reply ${method}: ok\n`);
    } catch (error) {
      this.#options.out(`${stamp()}    reply ${method}: ${describe(error)}\n`);
    }
  }

  #finish(item: Pending): void {
    this.#pending.delete(item.update.update_id);
    if (item.key !== undefined) {
      const queue = this.#queues.get(item.key) ?? [];
      queue.shift();
      const next = queue[0];
      if (next === undefined) this.#queues.delete(item.key);
      else this.#ready.push(next);
    }
    this.#progress?.();
  }

  #waitForProgress(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.#progress = undefined;
        this.#options.signal.removeEventListener("abort", done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.#progress = done;
      this.#options.signal.addEventListener("abort", done);
    });
  }

  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.#options.signal.removeEventListener("abort", done);
        resolve();
      }, ms);
      const done = (): void => {
        clearTimeout(timer);
        resolve();
      };
      this.#options.signal.addEventListener("abort", done, { once: true });
    });
  }
}

function stamp(): string {
  return new Date().toISOString().slice(11, 23);
}

function describe(error: unknown): string {
  if (error instanceof TelegramApiError) return `${error.errorCode} ${error.description}`;
  if (error instanceof TelehookError) return error.detail;
  return error instanceof Error ? error.message : String(error);
}
