/**
 * True for anything with a `then` method: a native promise or another library's thenable. Reads `then`
 * once; a getter that throws makes this throw, for the caller to catch.
 */
export function isThenable<T>(value: T | PromiseLike<T>): value is PromiseLike<T> {
  return (
    (typeof value === "object" || typeof value === "function") &&
    value !== null &&
    typeof (value as { then?: unknown }).then === "function"
  );
}
