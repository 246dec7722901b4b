/** A scheduled call, as the runtime's `setTimeout` returns it; give it to {@link cancelTimer} when the work finished first. */
export type Timer = ReturnType<typeof setTimeout>;

/**
 * Calls `fire(argument)` once after `ms`, unless cancelled first. Each call gets a timer of its own, on the
 * runtime's monotonic timer clock:
 * - no wall-clock reads, so a system clock stepped back or forward never stretches a deadline;
 * - no timer shared between requests, so it works where a timer dies with the request that set it
 *   (Cloudflare Workers), and a cancelled timer holds nothing.
 * On Node, Bun and Deno a pending timer alone does not keep the process alive.
 *
 * The argument is passed through `setTimeout` rather than caught in a closure, and the runtime's own
 * handle is the timer: a request's deadline then costs one timer object and nothing more.
 */
export function startTimer(ms: number, fire: () => void): Timer;
export function startTimer<T>(ms: number, fire: (argument: T) => void, argument: T): Timer;
export function startTimer<T>(ms: number, fire: (argument?: T) => void, argument?: T): Timer {
  const handle = setTimeout(fire, ms, argument);
  unref(handle);
  return handle;
}

/** Stops a timer from firing; does nothing once it has fired, or for `undefined`. */
export function cancelTimer(timer: Timer | undefined): void {
  if (timer !== undefined) clearTimeout(timer);
}

/** Lets the process exit while the timer is pending: Node's and Bun's `unref`, Deno's `unrefTimer`. */
function unref(handle: Timer): void {
  if (typeof handle === "object" && handle !== null && "unref" in handle) {
    (handle as { unref(): void }).unref();
    return;
  }
  const deno = (globalThis as { Deno?: { unrefTimer?: (id: number) => void } }).Deno;
  if (typeof handle === "number") deno?.unrefTimer?.(handle);
}
