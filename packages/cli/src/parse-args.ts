/** How a flag takes its value. */
type FlagKind = "string" | "boolean";

/** The flags a command accepts, by long name without `--`. */
export type FlagSpec = Readonly<Record<string, FlagKind>>;

/** Parsed command-line arguments. */
export interface ParsedArgs {
  readonly positionals: readonly string[];
  readonly strings: ReadonlyMap<string, string>;
  readonly booleans: ReadonlySet<string>;
}

/** A command-line mistake. Its message names the flag, never the value given (it may be a secret). */
export class UsageError extends Error {
  override readonly name = "UsageError";
}

/** Flags that would carry the bot token, refused with an explanation. */
const TOKEN_FLAGS = new Set(["token", "bot-token", "telegram-bot-token"]);

/**
 * A small hand-written parser: `--name value`, `--name=value`, boolean `--name`, `-h`, and `--` to end the
 * flags. Unknown flags and missing values throw a {@link UsageError}.
 */
export function parseArgs(argv: readonly string[], spec: FlagSpec): ParsedArgs {
  const positionals: string[] = [];
  const strings = new Map<string, string>();
  const booleans = new Set<string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === "--") {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (arg === "-h") {
      booleans.add("help");
      continue;
    }
    if (!arg.startsWith("--")) {
      if (arg.startsWith("-") && arg.length > 1) throw new UsageError(`unknown option ${arg.slice(0, 2)}.`);
      positionals.push(arg);
      continue;
    }
    const eq = arg.indexOf("=");
    const name = arg.slice(2, eq === -1 ? undefined : eq);
    if (TOKEN_FLAGS.has(name)) {
      throw new UsageError(
        `--${name} is not accepted: a token on the command line ends up in shell history and process lists. Set TELEGRAM_BOT_TOKEN instead.`,
      );
    }
    const kind = spec[name];
    if (kind === undefined) throw new UsageError(`unknown option --${name}.`);
    if (kind === "boolean") {
      if (eq !== -1) throw new UsageError(`--${name} takes no value.`);
      booleans.add(name);
      continue;
    }
    let value: string | undefined;
    if (eq !== -1) value = arg.slice(eq + 1);
    else {
      const next = argv[i + 1];
      if (next === undefined || (next.startsWith("--") && next.length > 2)) {
        throw new UsageError(`--${name} needs a value.`);
      }
      value = next;
      i++;
    }
    strings.set(name, value);
  }
  return { positionals, strings, booleans };
}
