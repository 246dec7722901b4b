import type { BotInfo } from "./bot-profile.js";
import type { EmulatorClock } from "./clock.js";

/** Options of {@link createTelegramEmulator}. Every duration is in emulated milliseconds. */
export interface TelegramEmulatorOptions {
  /**
   * The default bot's token, the one `emulator.token` returns and `emulator.sendUpdate` queues for.
   * @default "123456789:AAEmulatorDefaultTokenForTelehookTests" (bot id 123456789, the factories' bot)
   */
  token?: string;
  /** Fields to change in the default bot's getMe result, e.g. `{ username: "my_bot" }`. */
  botInfo?: Partial<BotInfo>;
  /**
   * Which tokens belong to a bot; any other gets `401 Unauthorized: invalid token specified`. Each accepted
   * token is its own bot, with its own webhook, queue and logs.
   * @default tokens matching `^\d+:[A-Za-z0-9_-]{30,}$`
   */
  acceptToken?: (token: string) => boolean;
  /**
   * Behave like a Bot API server started with `--local`: http webhooks, any port and any IP (loopback
   * included) are allowed, and max_connections goes up to 100 000 (default 100). With `false`, setWebhook
   * demands https, ports 80/88/443/8443 and a public IPv4, and max_connections is 1–100 (default 40).
   * @default true
   * @see {@link TelegramEmulatorOptions.loopbackWebhooks} to test production rules against a local server.
   */
  local?: boolean;
  /**
   * With `local: false`: production rules and defaults everywhere (max_connections 1–100, default 40;
   * https on ports 80/88/443/8443; public IPv4 only) except that a webhook on a loopback host
   * (`localhost`, `127.x.x.x`, or an `ip_address` of 127.x.x.x) is accepted over http and on any port, so
   * the server under test can run on this machine. Use `local: true` (the default) for the local Bot API
   * server's rules; use this to check what production accepts and how it paces delivery.
   * @default false
   */
  loopbackWebhooks?: boolean;
  /**
   * How fast emulated time runs: real ms per emulated ms. `0.001` makes one emulated second last one real
   * millisecond, so backoff, Retry-After, the 60 s deadline and update lifetimes all shrink 1000 times.
   * @default 1
   */
  timeScale?: number;
  /** A clock of your own, instead of one built from `timeScale`. */
  clock?: EmulatorClock;
  /**
   * How long one delivery attempt may take, from connecting to the end of the response, before it fails
   * with `Read timeout expired` (or `Write timeout expired`).
   * @default 60000
   */
  deadlineMs?: number;
  /**
   * The window in which a second setWebhook with a URL gets `429 Too Many Requests: retry after 1`.
   * `0` turns the limit off.
   * @default 1000
   */
  setWebhookRateLimitMs?: number;
  /**
   * The first `update_id` of every bot. The server starts a new queue at a random id in
   * [2 000 001, 1 000 000 000].
   * @default random, like the server
   */
  firstUpdateId?: number;
  /** The random source for the first update_id and the 60–120 s backoff cap. @default Math.random */
  random?: () => number;
  /**
   * Serve the browser page at `/` of `apiRoot`: a chat view for the default bot (type as a user, tap inline
   * buttons, see its messages live) and an inspector of deliveries, Bot API calls and getWebhookInfo.
   * `telehook emulator` turns it on.
   * @default false
   */
  ui?: boolean;
  /** The interface to listen on. @default "127.0.0.1" */
  host?: string;
  /** The port to listen on. @default 0 (a free port) */
  port?: number;
}
