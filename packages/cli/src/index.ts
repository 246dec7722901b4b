/**
 * `telehook`: the command line for a Telegram bot's webhook (`npx telehook info | set | delete | check`),
 * and {@link runCli} to run it from code or tests.
 *
 * @packageDocumentation
 *
 * @example
 * import { runCli } from "telehook";
 *
 * const code = await runCli(["check", "--url", "https://bot.example.com/telegram"], process.env, process);
 */
export { type CliEnv, type CliIo, type CliOptions, runCli } from "./run-cli.js";
