import { type TelegramEmulator, updates } from "@telehook/testing";
import { sequence } from "./seeded-random.js";

/** The updates of a run: ids from `firstId`, spread over `chats` chats, a few chats much busier than others. */
export class UpdateStream {
  readonly firstId: number;
  readonly count: number;
  readonly #chatIds: Float64Array;
  readonly #edited: Uint8Array;
  #next = 0;

  constructor(seed: number, count: number, chats: number, firstId = 1_000_001) {
    this.firstId = firstId;
    this.count = count;
    this.#chatIds = new Float64Array(count);
    this.#edited = new Uint8Array(count);
    const random = sequence(seed ^ 0x5eed5eed);
    for (let i = 0; i < count; i++) {
      // Skewed: the busiest of 200 chats gets about 3 % of the updates, the quietest almost none.
      const chat = Math.min(chats - 1, Math.floor(chats * random() ** 1.5));
      // Private chats (positive ids) and supergroups (-100…) alternate.
      this.#chatIds[i] = chat % 2 === 0 ? 500_000_000 + chat : -1_000_000_000_000 - chat;
      this.#edited[i] = random() < 0.12 ? 1 : 0;
    }
  }

  /** How many were sent so far. */
  get sent(): number {
    return this.#next;
  }

  /** Every update_id with the queue key telehook orders it by (messages and edits share their chat's). */
  keys(): Map<number, string> {
    const keys = new Map<number, string>();
    for (let i = 0; i < this.count; i++) keys.set(this.firstId + i, `chat:${this.#chatIds[i]}`);
    return keys;
  }

  /** How many chats actually got updates. */
  chatsUsed(): number {
    return new Set(this.#chatIds).size;
  }

  /** Queues the next `n` updates (or fewer at the end) in the emulator; returns how many. */
  sendNext(emulator: TelegramEmulator, n: number): number {
    const end = Math.min(this.count, this.#next + n);
    const sent = end - this.#next;
    for (; this.#next < end; this.#next++) {
      const i = this.#next;
      const init = {
        updateId: this.firstId + i,
        chatId: this.#chatIds[i] as number,
        text: `update ${i}`,
      };
      const queued = emulator.sendUpdate(
        this.#edited[i] ? updates.editedMessage(init) : updates.message(init),
      );
      if (queued.update_id !== this.firstId + i) {
        throw new Error(`the emulator did not queue update ${this.firstId + i} (got ${queued.update_id})`);
      }
    }
    return sent;
  }
}
