import { UsageError } from "./parse-args.js";

/** Flags that would carry the bot token, refused with an explanation. */
const TOKEN_FLAGS = new Set(["token", "bot-token", "telegram-bot-token"]);

/**
 * Runs `parse` (a `node:util` parseArgs call) after checking every `--flag` against `known`, turning every
 * mistake into a {@link UsageError} whose message names the flag but never echoes a value (it may be a
 * secret). Token flags are refused with the reason.
 */
export function parseCommandArgs<T>(
  argv: readonly string[],
  command: string,
  known: readonly string[],
  parse: (args: string[]) => T,
): T {
  for (const arg of argv) {
    if (arg === "--") break;
    if (!arg.startsWith("--")) continue;
    const name = arg.slice(2).split("=")[0] ?? "";
    if (TOKEN_FLAGS.has(name)) {
      throw new UsageError(
        `--${name} is not accepted: a token on the command line ends up in shell history and process lists. Set TELEGRAM_BOT_TOKEN instead.`,
      );
    }
    if (!known.includes(name)) {
      throw new UsageError(
        /^[a-z-]{1,30}$/.test(name) ? `--${name} is not an option of ${command}.` : "unknown option.",
      );
    }
  }
  try {
    return parse([...argv]);
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    throw new UsageError(
      code === "ERR_PARSE_ARGS_INVALID_OPTION_VALUE"
        ? `an option of ${command} is missing its value, or takes none.`
        : `${command}: invalid options.`,
    );
  }
}
