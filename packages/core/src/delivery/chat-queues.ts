/** A place in one key's line, taken with {@link ChatQueues.enter}. */
export interface QueuePlace {
  /** True once every earlier place has been left: the work may start. */
  readonly hasTurn: boolean;
  /**
   * Gives the place up. The holder lets the next place in line start; a place still waiting just leaves
   * the line, so its work never runs. Leaving twice does nothing.
   */
  leave(): void;
}

/** How many places may wait behind a busy key, and behind all keys together. */
export interface QueueLimits {
  /** The most updates that may wait behind one busy queue key. */
  readonly perKey: number;
  /** The most updates that may wait behind all queue keys together. */
  readonly total: number;
}

interface Line {
  holder: Place;
  readonly waiting: Place[];
}

class Place implements QueuePlace {
  readonly key: string;
  readonly onTurn: () => void;
  /** Whatever the caller keeps with the place, for {@link ChatQueues.holderOf}. */
  readonly owner: unknown;
  readonly #queues: ChatQueues;
  hasTurn = false;
  left = false;

  constructor(queues: ChatQueues, key: string, onTurn: () => void, owner: unknown) {
    this.#queues = queues;
    this.key = key;
    this.onTurn = onTurn;
    this.owner = owner;
  }

  leave(): void {
    if (this.left) return;
    this.left = true;
    this.#queues.release(this);
  }
}

const NO_PLACE: QueuePlace = Object.freeze({ hasTurn: true, leave() {} });

/**
 * One line per queue key (a chat, a user, a poll): the places of a key take turns in arrival order, and
 * different keys run side by side. A place that gives up before its turn leaves the line, and its work
 * never runs. The number of places waiting is bounded per key and in total, and a key with nobody left in
 * line is forgotten, so memory follows the number of busy keys.
 */
export class ChatQueues {
  readonly #lines = new Map<string, Line>();
  readonly #limits: QueueLimits;
  #waiting = 0;

  constructor(limits: QueueLimits) {
    this.#limits = limits;
  }

  /** How many places wait behind their key's holder, across all keys. */
  get waiting(): number {
    return this.#waiting;
  }

  /** False when a new place for `key` would have to wait and the line, or all lines together, are full. */
  hasRoom(key: string | undefined): boolean {
    if (key === undefined) return true;
    const line = this.#lines.get(key);
    if (!line) return true;
    return line.waiting.length < this.#limits.perKey && this.#waiting < this.#limits.total;
  }

  /**
   * Takes a place at the end of `key`'s line. When the line was empty (or there is no key) the place has
   * its turn at once: `hasTurn` is true and `onTurn` is not called, so the caller holds the place before its
   * work starts. Otherwise `onTurn` is called once every earlier place has been left. Check
   * {@link hasRoom} first: this never refuses.
   */
  enter(key: string | undefined, onTurn: () => void, owner?: unknown): QueuePlace {
    if (key === undefined) return NO_PLACE;
    const place = new Place(this, key, onTurn, owner);
    const line = this.#lines.get(key);
    if (line) {
      line.waiting.push(place);
      this.#waiting++;
    } else {
      this.#lines.set(key, { holder: place, waiting: [] });
      place.hasTurn = true;
    }
    return place;
  }

  /** The `owner` given with the place that has `key`'s turn now, if any. */
  holderOf(key: string | undefined): unknown {
    return key === undefined ? undefined : this.#lines.get(key)?.holder.owner;
  }

  /** Called by a place that is left: hand the turn on, or take the place out of its line. */
  release(place: Place): void {
    const line = this.#lines.get(place.key);
    if (!line) return;
    if (line.holder !== place) {
      const index = line.waiting.indexOf(place);
      if (index >= 0) {
        line.waiting.splice(index, 1);
        this.#waiting--;
      }
      return;
    }
    const next = line.waiting.shift();
    if (!next) {
      this.#lines.delete(place.key);
      return;
    }
    this.#waiting--;
    line.holder = next;
    next.hasTurn = true;
    next.onTurn();
  }
}
