import { isThenable } from "../thenable.js";
import { cancelTimer, startTimer } from "../timer.js";
import type { DeliveryStore, LeaseRequest } from "./delivery-store.js";

/** Why a store call did not give an answer: it threw, rejected, or did not settle in time. */
export class StoreFailure {
  /** What the store threw or rejected with, or an error for a malformed answer; undefined on timeout. */
  readonly cause: unknown;
  /** True when the call did not settle within `storeTimeoutMs`. */
  readonly timedOut: boolean;

  constructor(cause: unknown, timedOut = false) {
    this.cause = cause;
    this.timedOut = timedOut;
  }
}

/** The methods of a store, each called with one run's claim. */
type StoreMethod = keyof DeliveryStore;
/** What a method answers, once settled. */
export type StoreAnswer<M extends StoreMethod> = Awaited<ReturnType<DeliveryStore[M]>>;
/** What every store call of one run is given: the claim, with both durations. */
export type StoreCall = LeaseRequest & { readonly retentionMs: number };

/** A store call that answered with a promise or another library's thenable: see {@link awaitStore}. */
export class PendingStoreCall<T> {
  readonly answer: PromiseLike<T>;

  constructor(answer: PromiseLike<T>) {
    this.answer = answer;
  }
}

/**
 * Calls one method of a user's store and never throws. A plain value comes back as it is, synchronously,
 * which keeps the in-memory stores free of awaits and of closures; a throw comes back as a
 * `StoreFailure`; a thenable comes back wrapped, for {@link awaitStore}.
 */
export function invokeStore<M extends StoreMethod>(
  store: DeliveryStore,
  method: M,
  claim: StoreCall,
): StoreAnswer<M> | StoreFailure | PendingStoreCall<StoreAnswer<M>> {
  try {
    const value = (store as unknown as Record<M, (claim: StoreCall) => unknown>)[method](claim);
    return isThenable(value)
      ? new PendingStoreCall(value as PromiseLike<StoreAnswer<M>>)
      : (value as StoreAnswer<M>);
  } catch (cause) {
    return new StoreFailure(cause);
  }
}

/**
 * Waits for a store call that answered with a thenable, giving it `timeoutMs`: a client that queues
 * commands while offline must not hold an update past Telegram's patience. Never rejects: a rejection or
 * the timeout resolve to a `StoreFailure`. An answer that comes after the timeout goes to `late`, so the
 * caller can undo it (a claim granted when nobody waits for it any more).
 */
export function awaitStore<T>(
  pending: PendingStoreCall<T>,
  timeoutMs: number,
  late?: (value: T) => void,
): Promise<T | StoreFailure> {
  return new Promise((resolve) => {
    let timedOut = false;
    const timer = startTimer(timeoutMs, () => {
      timedOut = true;
      resolve(new StoreFailure(undefined, true));
    });
    Promise.resolve(pending.answer).then(
      (settled) => {
        cancelTimer(timer);
        if (timedOut) late?.(settled);
        else resolve(settled);
      },
      (cause: unknown) => {
        cancelTimer(timer);
        resolve(new StoreFailure(cause));
      },
    );
  });
}

/** {@link invokeStore}, then {@link awaitStore} when the answer is a thenable. */
export function callStore<M extends StoreMethod>(
  store: DeliveryStore,
  method: M,
  claim: StoreCall,
  timeoutMs: number,
): StoreAnswer<M> | StoreFailure | Promise<StoreAnswer<M> | StoreFailure> {
  const answer = invokeStore(store, method, claim);
  return answer instanceof PendingStoreCall ? awaitStore(answer, timeoutMs) : answer;
}
