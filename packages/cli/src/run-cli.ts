import { redactToken, TelehookError } from "@telehook/core";
import { redactSecret } from "@telehook/core/internal";
import { checkCommand } from "./check-command.js";
import { deleteCommand } from "./delete-command.js";
import { runEmulator } from "./emulator-command.js";
import { HELP } from "./help.js";
import { infoCommand } from "./info-command.js";
import { runListen } from "./listen-command.js";
import { readFlags } from "./read-flags.js";
import { setCommand } from "./set-command.js";
import { UsageError } from "./usage-error.js";
import { integerFlag, WEBHOOK_FLAGS, type WebhookCommand, type WebhookFlag } from "./webhook-command.js";

/** Where the CLI writes: `process.stdout`/`process.stderr`, or anything with `write(text)` in tests. */
export interface CliIo {
  /** Where results and reports go: `process.stdout` when run from the shell. */
  readonly stdout: {
    /** Writes results and reports; tokens are redacted before they get here. */
    write(text: string): unknown;
  };
  /** Where errors and usage messages go: `process.stderr` when run from the shell. */
  readonly stderr: {
    /** Writes errors and usage; tokens are redacted before they get here. */
    write(text: string): unknown;
  };
}

/** How a long-running command (`listen`, `emulator`) is stopped. */
export interface CliOptions {
  /** Abort it (on Ctrl-C) to stop `listen` or `emulator` cleanly; they then resolve with 0. */
  readonly signal?: AbortSignal;
}

/** The environment the CLI reads: `process.env`, or a plain object in tests. */
export type CliEnv = Readonly<Record<string, string | undefined>>;

const COMMANDS: ReadonlyMap<string, WebhookCommand> = new Map([
  ["info", infoCommand],
  ["set", setCommand],
  ["delete", deleteCommand],
  ["check", checkCommand],
]);

/**
 * Runs the `telehook` command with the given arguments (without `node` and the script) and environment,
 * and resolves with the exit code: 0 success or healthy, 1 failure or problems, 2 usage error. It never
 * throws, and never prints the bot token or the secret token.
 *
 * @example
 * process.exitCode = await runCli(process.argv.slice(2), process.env, process);
 */
export async function runCli(
  argv: readonly string[],
  env: CliEnv,
  io: CliIo,
  options: CliOptions = {},
): Promise<number> {
  const hidden = [env.WEBHOOK_SECRET];
  // Core's redaction, so a token or a secret is hidden however it is spelled (e.g. percent-encoded in a URL).
  const redact = (text: string) => {
    let safe = redactToken(text, env.TELEGRAM_BOT_TOKEN ?? "");
    for (const value of hidden) if (value) safe = redactSecret(safe, value);
    return safe;
  };
  const out = (text: string) => void io.stdout.write(redact(text));
  const err = (text: string) => void io.stderr.write(redact(text));
  try {
    const longRunning = argv[0] === "listen" ? runListen : argv[0] === "emulator" ? runEmulator : undefined;
    if (longRunning !== undefined) {
      const signal = options.signal ?? new AbortController().signal;
      return await longRunning({ argv: argv.slice(1), env, out, err, signal });
    }
    const { values: flags, positionals } = readFlags(argv, WEBHOOK_FLAGS);
    hidden.push(flags["secret-token"]);
    const [name, ...extra] = positionals;
    if (flags.help) {
      out(HELP);
      return 0;
    }
    if (name === undefined) {
      err(HELP);
      return 2;
    }
    const command = COMMANDS.get(name);
    if (command === undefined) {
      // Echo only what cannot be a token or a secret.
      throw new UsageError(/^[a-z-]{1,20}$/.test(name) ? `unknown command "${name}".` : "unknown command.");
    }
    if (extra.length > 0) throw new UsageError(`${name} takes no arguments besides options.`);
    for (const flag of Object.keys(flags) as WebhookFlag[]) {
      if (!command.flags.includes(flag)) throw new UsageError(`--${flag} is not an option of ${name}.`);
    }
    const token = env.TELEGRAM_BOT_TOKEN;
    if (token === undefined || token === "") {
      throw new UsageError("TELEGRAM_BOT_TOKEN is not set. Export the bot token from @BotFather first.");
    }
    return await command.run({
      flags,
      env,
      token,
      apiRoot: flags["api-root"] ?? (env.TELEGRAM_API_ROOT || undefined),
      local: flags.local,
      maxWaitMs: integerFlag(flags["max-wait"], "max-wait") ?? 30_000,
      out,
    });
  } catch (error) {
    if (error instanceof UsageError) {
      err(`telehook: ${error.message}\nRun "telehook --help" for usage.\n`);
      return 2;
    }
    if (error instanceof TelehookError) {
      const usage = error.code === "invalid_options" || error.code === "invalid_webhook_config";
      err(`telehook: ${error.detail}\n`);
      return usage ? 2 : 1;
    }
    err(`telehook: unexpected failure: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
}
