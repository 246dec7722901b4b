import { UsageError } from "./usage-error.js";

/** A flag's value read as an http or https URL; anything else is a usage error that shows an example. */
export function httpUrlFlag(value: string, flag: string, example: string): URL {
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  if (url?.protocol !== "http:" && url?.protocol !== "https:") {
    throw new UsageError(`--${flag} must be an http:// or https:// URL, such as ${example}.`);
  }
  return url;
}
