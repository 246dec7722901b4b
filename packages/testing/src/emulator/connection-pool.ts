import type { EmulatorClock } from "./clock.js";
import { type ConnectionTarget, WebhookConnection } from "./webhook-connection.js";

/** A keep-alive connection with nothing in flight is closed after this long (emulated ms). */
const IDLE_CONNECTION_TIMEOUT_MS = 60_000;

interface IdleConnection {
  readonly connection: WebhookConnection;
  readonly since: number;
}

/**
 * The webhook's keep-alive connections. Idle ones are reused most-recently-used first and closed quietly after
 * 60 s without a request; a new one is opened when none is idle. The engine never runs more requests than
 * max_connections, so no more connections open.
 */
export class ConnectionPool {
  readonly #target: ConnectionTarget;
  readonly #clock: EmulatorClock;
  /** Oldest first: reuse pops from the end, the idle sweep takes from the start. */
  readonly #idle: IdleConnection[] = [];
  readonly #open = new Set<WebhookConnection>();
  #cancelSweep: (() => void) | undefined;
  #stopped = false;

  constructor(target: ConnectionTarget, clock: EmulatorClock) {
    this.#target = target;
    this.#clock = clock;
  }

  /** True when a kept-alive connection is free, so `acquire` opens nothing new. */
  get hasIdle(): boolean {
    return this.#idle.length > 0;
  }

  /** Connections open or being opened, busy or idle. */
  get openCount(): number {
    return this.#open.size;
  }

  /** A connection to send one request on. */
  acquire(): WebhookConnection {
    const idle = this.#idle.pop();
    if (idle !== undefined) return idle.connection;
    const connection = new WebhookConnection(
      this.#target,
      (done) => this.#release(done),
      (closed) => {
        this.#open.delete(closed);
        const index = this.#idle.findIndex((entry) => entry.connection === closed);
        if (index !== -1) this.#idle.splice(index, 1);
      },
    );
    this.#open.add(connection);
    return connection;
  }

  /** Closes every connection; requests in flight end with no error recorded. */
  destroy(): void {
    this.#stopped = true;
    this.#cancelSweep?.();
    this.#cancelSweep = undefined;
    for (const connection of [...this.#open]) connection.abort("");
    this.#idle.length = 0;
  }

  #release(connection: WebhookConnection): void {
    if (this.#stopped) {
      connection.abort("");
      return;
    }
    this.#idle.push({ connection, since: this.#clock.now() });
    if (this.#cancelSweep === undefined) this.#scheduleSweep();
  }

  #scheduleSweep(): void {
    const oldest = this.#idle[0];
    if (oldest === undefined) return;
    const delay = oldest.since + IDLE_CONNECTION_TIMEOUT_MS - this.#clock.now();
    this.#cancelSweep = this.#clock.schedule(() => {
      this.#cancelSweep = undefined;
      const now = this.#clock.now();
      const expired = this.#idle.filter((entry) => entry.since + IDLE_CONNECTION_TIMEOUT_MS <= now);
      for (const entry of expired) entry.connection.abort("");
      this.#scheduleSweep();
    }, delay);
  }
}
