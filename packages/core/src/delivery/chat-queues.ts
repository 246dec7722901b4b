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

interface Line<T> {
  holder: Place<T>;
  readonly waiting: Place<T>[];
}

class Place<T> implements QueuePlace {
  readonly key: string;
  /** Whatever the caller keeps with the place: given to `onTurn`, and told by {@link ChatQueues.holderOf}. */
  readonly owner: T;
  readonly #queues: ChatQueues<T>;
  hasTurn = false;
  left = false;

  constructor(queues: ChatQueues<T>, key: string, owner: T) {
    this.#queues = queues;
    this.key = key;
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
export class ChatQueues<T> {
  readonly #lines = new Map<string, Line<T>>();
  readonly #limits: QueueLimits;
  readonly #onTurn: (owner: T) => void;
  #waiting = 0;
  /** Places whose turn came and whose `onTurn` has not been called yet (see {@link release}). */
  readonly #turns: Place<T>[] = [];
  #handingOn = false;
  /**
   * A key's first place, not yet in `#lines`: it is listed there only when another call comes while it
   * still holds its key. Work that finishes within the call that took its place (a synchronous handler)
   * then never touches the Map, which V8 rebuilds each time a small Map empties.
   */
  #unlisted: Place<T> | undefined;

  /** `onTurn` is called with a waiting place's owner once every earlier place of its key has been left. */
  constructor(limits: QueueLimits, onTurn: (owner: T) => void) {
    this.#limits = limits;
    this.#onTurn = onTurn;
  }

  /** How many places wait behind their key's holder, across all keys. */
  get waiting(): number {
    return this.#waiting;
  }

  /** False when a new place for `key` would have to wait and the line, or all lines together, are full. */
  hasRoom(key: string | undefined): boolean {
    if (key === undefined) return true;
    this.#list();
    const line = this.#lines.get(key);
    if (!line) return true;
    return line.waiting.length < this.#limits.perKey && this.#waiting < this.#limits.total;
  }

  /**
   * Takes a place at the end of `key`'s line. When the line was empty (or there is no key) the place has
   * its turn at once: `hasTurn` is true and `onTurn` is not called, so the caller holds the place before its
   * work starts. Otherwise `onTurn(owner)` is called once every earlier place has been left. Check
   * {@link hasRoom} first: this never refuses.
   */
  enter(key: string | undefined, owner: T): QueuePlace {
    if (key === undefined) return NO_PLACE;
    const place = new Place(this, key, owner);
    this.#list();
    const line = this.#lines.get(key);
    if (line) {
      line.waiting.push(place);
      this.#waiting++;
    } else {
      this.#unlisted = place;
      place.hasTurn = true;
    }
    return place;
  }

  /** The `owner` given with the place that has `key`'s turn now, if any. */
  holderOf(key: string | undefined): T | undefined {
    if (key === undefined) return undefined;
    this.#list();
    return this.#lines.get(key)?.holder.owner;
  }

  /** Puts the unlisted holder in `#lines`, where every other call looks. */
  #list(): void {
    const place = this.#unlisted;
    if (place === undefined) return;
    this.#unlisted = undefined;
    this.#lines.set(place.key, { holder: place, waiting: [] });
  }

  /**
   * Called by a place that is left: hand the turn on, or take the place out of its line. A turn handed on
   * while another is being handed on (work that finished at once and left its place inside `onTurn`)
   * waits in a list instead of nesting, so a long line never deepens the stack.
   */
  release(place: Place<T>): void {
    if (place === this.#unlisted) {
      // Nobody asked for its key while it held it: nobody waits.
      this.#unlisted = undefined;
      return;
    }
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
    this.#turns.push(next);
    if (this.#handingOn) return;
    this.#handingOn = true;
    try {
      for (let turn = this.#turns.shift(); turn; turn = this.#turns.shift()) this.#onTurn(turn.owner);
    } finally {
      this.#handingOn = false;
    }
  }
}
