import { TelehookError } from "@telehook/core";

/** A wrong option of the Redis store, named as this package's. */
export function optionError(detail: string): TelehookError {
  return new TelehookError("invalid_options", detail, { source: "@telehook/redis" });
}
