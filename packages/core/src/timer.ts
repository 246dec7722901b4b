/** A scheduled call; `cancel` it when the work finished first. */
export interface Timer {
  /** Stops the call from happening; does nothing once it has run. */
  cancel(): void;
}

/**
 * Calls `fire` once after `ms`, unless cancelled first. Each call gets a timer of its own, on the runtime's
 * monotonic timer clock:
 * - no wall-clock reads, so a system clock stepped back or forward never stretches a deadline;
 * - no timer shared between requests, so it works where a timer dies with the request that set it
 *   (Cloudflare Workers), and a cancelled timer holds nothing.
 * On Node, Bun and Deno a pending timer alone does not keep the process alive.
 */
export function startTimer(ms: number, fire: () => void): Timer {
  const handle = setTimeout(fire, ms);
  unref(handle);
  return { cancel: () => clearTimeout(handle) };
}

/** Lets the process exit while the timer is pending: Node's and Bun's `unref`, Deno's `unrefTimer`. */
function unref(handle: ReturnType<typeof setTimeout>): void {
  if (typeof handle === "object" && handle !== null && "unref" in handle) {
    (handle as { unref(): void }).unref();
    return;
  }
  const deno = (globalThis as { Deno?: { unrefTimer?: (id: number) => void } }).Deno;
  if (typeof handle === "number") deno?.unrefTimer?.(handle);
}
