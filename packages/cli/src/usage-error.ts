/** A command-line mistake (exit code 2). Its message names the flag, never the value given (it may be a secret). */
export class UsageError extends Error {
  override readonly name = "UsageError";
}
