import type { Update } from "@telehook/core";
import type { DeliveryRecord, TelegramEmulator } from "@telehook/testing";

/**
 * Resolves once `check()` is true, re-checking whenever `subscribe`'s source says something happened; rejects
 * after `timeoutMs` real milliseconds naming `what`. Tests wait on events with this, never on sleeps.
 */
export function when(
  check: () => boolean,
  subscribe: (notify: () => void) => () => void,
  what: string,
  timeoutMs = 10_000,
): Promise<void> {
  if (check()) return Promise.resolve();
  return new Promise((resolve, reject) => {
    let unsubscribe: () => void = () => {};
    const timer = setTimeout(() => {
      unsubscribe();
      reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`));
    }, timeoutMs);
    unsubscribe = subscribe(() => {
      if (!check()) return;
      clearTimeout(timer);
      unsubscribe();
      resolve();
    });
  });
}

/** A gate a handler waits on until the test opens it. */
export interface Gate {
  readonly opened: Promise<void>;
  open(): void;
}

export function createGate(): Gate {
  let open: () => void = () => {};
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { opened, open };
}

/** Resolves once the emulator has logged a delivery record matching `match`. */
export function deliveryLogged(
  emulator: TelegramEmulator,
  match: (record: DeliveryRecord) => boolean,
  what: string,
  timeoutMs = 10_000,
): Promise<void> {
  return when(
    () => emulator.deliveries.some(match),
    (notify) => emulator.onDelivery(notify),
    `a delivery record: ${what}`,
    timeoutMs,
  );
}

/** The emulator's delivery records for one update, in order. */
export function deliveriesOf(emulator: TelegramEmulator, updateId: number): DeliveryRecord[] {
  return emulator.deliveries.filter((record) => record.updateId === updateId);
}

/** One moment in the life of an `onUpdate` call. */
export interface HandlerEvent {
  readonly kind: "start" | "end";
  readonly updateId: number;
  /** The chat (or the user, for queries) the update belongs to. */
  readonly chatId: number | undefined;
  /** The order of events across the whole log, from 0. */
  readonly seq: number;
}

/**
 * What `onUpdate` did, as the test sees it: every start and end, in order. `track(update, work)` wraps the
 * handler's work; tests wait on the log with `waitFor`.
 */
export class HandlerLog {
  readonly events: HandlerEvent[] = [];
  readonly #listeners = new Set<() => void>();

  /** Records the start, runs `work`, records the end (also when `work` fails), and passes on its outcome. */
  async track<T>(update: Update, work: () => T | Promise<T>): Promise<T> {
    this.#record("start", update);
    try {
      return await work();
    } finally {
      this.#record("end", update);
    }
  }

  /** How many times `onUpdate` started for this update. */
  starts(updateId: number): number {
    return this.events.filter((event) => event.kind === "start" && event.updateId === updateId).length;
  }

  /** How many times `onUpdate` ended for this update. */
  ends(updateId: number): number {
    return this.events.filter((event) => event.kind === "end" && event.updateId === updateId).length;
  }

  /** The update ids in the order their runs started. */
  get started(): number[] {
    return this.events.filter((event) => event.kind === "start").map((event) => event.updateId);
  }

  waitFor(check: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
    return when(
      check,
      (notify) => {
        this.#listeners.add(notify);
        return () => this.#listeners.delete(notify);
      },
      what,
      timeoutMs,
    );
  }

  /**
   * The runs of each chat as [start, end] positions in the log. Two runs of one chat overlap when one starts
   * before the other has ended.
   */
  overlapsWithinChats(): string[] {
    const open = new Map<number | undefined, number>();
    const overlaps: string[] = [];
    for (const event of this.events) {
      const running = open.get(event.chatId);
      if (event.kind === "start") {
        if (running !== undefined) {
          overlaps.push(`update ${event.updateId} started while ${running} of chat ${event.chatId} ran`);
        }
        open.set(event.chatId, event.updateId);
      } else if (running === event.updateId) {
        open.delete(event.chatId);
      }
    }
    return overlaps;
  }

  #record(kind: HandlerEvent["kind"], update: Update): void {
    this.events.push({ kind, updateId: update.update_id, chatId: chatOf(update), seq: this.events.length });
    for (const notify of [...this.#listeners]) notify();
  }
}

/** The chat of a message-like update, or the user of a query. */
export function chatOf(update: Update): number | undefined {
  const payload = Object.entries(update).find(([key]) => key !== "update_id")?.[1] as
    | { chat?: { id?: number }; from?: { id?: number } }
    | undefined;
  return payload?.chat?.id ?? payload?.from?.id;
}
