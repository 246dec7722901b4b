import { parseArgs } from "node:util";
import { UsageError } from "./usage-error.js";

/** The flags a command accepts, by long name without `--`, and whether each takes a value. */
export type FlagSpec = Readonly<Record<string, "string" | "boolean">>;

/** The flags given: a string flag's value, `true` for a boolean flag, absent when not given. */
export type FlagValues<S extends FlagSpec> = {
  readonly [K in keyof S]?: S[K] extends "string" ? string : true;
};

/** Flags that would carry the bot token, refused with an explanation. */
const TOKEN_FLAGS = new Set(["token", "bot-token", "telegram-bot-token"]);

/** A flag name safe to print: a value pasted where a flag name goes (a token, a secret) is not. */
const PRINTABLE_NAME = /^[a-z][a-z-]{0,29}$/;

/**
 * Reads `argv` with `node:util`'s `parseArgs`: `--name value`, `--name=value`, boolean `--name`, `-h` for
 * `--help`, and `--` to end the flags. Every mistake is a {@link UsageError} that names the flag but never
 * echoes a value. An unknown flag reads "unknown option --x." or, given `command`, "--x is not an option of
 * <command>."; the token flags are refused with the reason.
 */
export function readFlags<S extends FlagSpec>(
  argv: readonly string[],
  spec: S,
  command?: string,
): { readonly values: FlagValues<S>; readonly positionals: readonly string[] } {
  const options = Object.fromEntries(
    Object.entries(spec).map(([name, type]) => [name, name === "help" ? { type, short: "h" } : { type }]),
  );
  // Not strict: the tokens are checked here, so that each mistake gets a message of ours.
  const { tokens } = parseArgs({
    args: [...argv],
    options,
    strict: false,
    allowPositionals: true,
    tokens: true,
  });
  const values: Record<string, string | true> = {};
  const positionals: string[] = [];
  for (const token of tokens) {
    if (token.kind === "positional") positionals.push(token.value);
    if (token.kind !== "option") continue;
    const { name, rawName } = token;
    if (TOKEN_FLAGS.has(name)) {
      throw new UsageError(
        `--${name} is not accepted: a token on the command line ends up in shell history and process lists. Set TELEGRAM_BOT_TOKEN instead.`,
      );
    }
    const type = spec[name];
    if (type === undefined) {
      const shown = rawName.startsWith("--") ? name : rawName.slice(1);
      if (!PRINTABLE_NAME.test(shown)) throw new UsageError("unknown option.");
      const flag = `${rawName.startsWith("--") ? "--" : "-"}${shown}`;
      throw new UsageError(command ? `${flag} is not an option of ${command}.` : `unknown option ${flag}.`);
    }
    if (type === "boolean") {
      if (token.value !== undefined) throw new UsageError(`--${name} takes no value.`);
      values[name] = true;
      continue;
    }
    // `--url --force`: parseArgs would take the next flag as the value; that is a missing value.
    const value = token.value;
    if (value === undefined || (!token.inlineValue && value.startsWith("--") && value.length > 2)) {
      throw new UsageError(`--${name} needs a value.`);
    }
    values[name] = value;
  }
  return { values: values as FlagValues<S>, positionals };
}
