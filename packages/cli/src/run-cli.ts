import { readFile } from "node:fs/promises";
import {
  createBotApi,
  type EnsureWebhookOptions,
  ensureWebhook,
  type KnownUpdateType,
  redactToken,
  TelehookError,
  type WebhookInfo,
} from "@telehook/core";
import { displayWebhookUrl, redactSecret, splitFingerprint } from "@telehook/core/internal";
import { runEmulator } from "./emulator-command.js";
import { formatTime, formatWebhookInfo } from "./format-info.js";
import { HELP } from "./help.js";
import { runListen } from "./listen.js";
import { type FlagSpec, type ParsedArgs, parseArgs, UsageError } from "./parse-args.js";
import {
  formatWebhookHealth,
  type HealthReading,
  healthProblems,
  parseHealthUrl,
  readWebhookHealth,
} from "./webhook-health.js";

/** Where the CLI writes: `process.stdout`/`process.stderr`, or anything with `write(text)` in tests. */
export interface CliIo {
  readonly stdout: { write(text: string): unknown };
  readonly stderr: { write(text: string): unknown };
}

/** How a long-running command (`listen`, `emulator`) is stopped. */
export interface CliOptions {
  /** Abort it (on Ctrl-C) to stop `listen` or `emulator` cleanly; they then resolve with 0. */
  readonly signal?: AbortSignal;
}

/** The environment the CLI reads: `process.env`, or a plain object in tests. */
export type CliEnv = Readonly<Record<string, string | undefined>>;

const FLAGS: FlagSpec = {
  help: "boolean",
  "api-root": "string",
  local: "boolean",
  "max-wait": "string",
  json: "boolean",
  url: "string",
  "secret-token": "string",
  "allow-unauthenticated": "boolean",
  "max-connections": "string",
  "allowed-updates": "string",
  "ip-address": "string",
  certificate: "string",
  "drop-pending-updates": "boolean",
  force: "boolean",
  "max-pending": "string",
  "max-error-age": "string",
  health: "string",
  "max-run-age": "string",
};

const COMMON = ["help", "api-root", "local", "max-wait"];
const CONFIG = ["url", "secret-token", "max-connections", "allowed-updates", "ip-address", "certificate"];
const COMMANDS: Readonly<Record<string, readonly string[]>> = {
  info: [...COMMON, "json"],
  set: [...COMMON, ...CONFIG, "allow-unauthenticated", "drop-pending-updates", "force"],
  delete: [...COMMON, "drop-pending-updates"],
  check: [...COMMON, ...CONFIG, "max-pending", "max-error-age", "health", "max-run-age", "json"],
};

const DEFAULT_MAX_PENDING = 100;
const DEFAULT_MAX_ERROR_AGE_S = 600;
const DEFAULT_MAX_RUN_AGE_S = 60;

interface Context {
  readonly args: ParsedArgs;
  readonly env: CliEnv;
  readonly token: string;
  readonly apiRoot: string | undefined;
  readonly local: true | undefined;
  readonly maxWaitMs: number;
  readonly out: (text: string) => void;
}

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
    const args = parseArgs(argv, FLAGS);
    hidden.push(args.strings.get("secret-token"));
    const [command, ...extra] = args.positionals;
    if (args.booleans.has("help")) {
      out(HELP);
      return 0;
    }
    if (command === undefined) {
      err(HELP);
      return 2;
    }
    const allowed = COMMANDS[command];
    if (allowed === undefined) {
      // Echo only what cannot be a token or a secret.
      throw new UsageError(
        /^[a-z-]{1,20}$/.test(command) ? `unknown command "${command}".` : "unknown command.",
      );
    }
    if (extra.length > 0) throw new UsageError(`${command} takes no arguments besides options.`);
    for (const name of [...args.strings.keys(), ...args.booleans]) {
      if (!allowed.includes(name)) throw new UsageError(`--${name} is not an option of ${command}.`);
    }
    const token = env.TELEGRAM_BOT_TOKEN;
    if (token === undefined || token === "") {
      throw new UsageError("TELEGRAM_BOT_TOKEN is not set. Export the bot token from @BotFather first.");
    }
    const context: Context = {
      args,
      env,
      token,
      apiRoot: args.strings.get("api-root") ?? (env.TELEGRAM_API_ROOT || undefined),
      local: args.booleans.has("local") ? true : undefined,
      maxWaitMs: integerFlag(args, "max-wait") ?? 30_000,
      out,
    };
    if (command === "info") return await info(context);
    if (command === "set") return await set(context);
    if (command === "delete") return await remove(context);
    return await check(context);
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

async function info(context: Context): Promise<number> {
  const webhook = await api(context).getWebhookInfo();
  context.out(
    context.args.booleans.has("json")
      ? `${JSON.stringify(shown(webhook), null, 2)}\n`
      : formatWebhookInfo(webhook),
  );
  return 0;
}

async function set(context: Context): Promise<number> {
  const { args } = context;
  const secretToken = args.strings.get("secret-token") ?? (context.env.WEBHOOK_SECRET || undefined);
  const allowUnauthenticated = args.booleans.has("allow-unauthenticated");
  if (secretToken === undefined && !allowUnauthenticated) {
    throw new UsageError(
      "no secret token: set WEBHOOK_SECRET (or pass --secret-token), the same secret your webhook handler checks. To register without one, pass --allow-unauthenticated.",
    );
  }
  const drop = args.booleans.has("drop-pending-updates");
  const result = await ensureWebhook({
    ...(await webhookOptions(context)),
    secretToken,
    allowUnauthenticated,
    dropPendingUpdates: drop,
    mode: args.booleans.has("force") || drop ? "always" : "if-changed",
  });
  const url = displayWebhookUrl(result.url);
  if (result.changed) {
    context.out(`Webhook set: ${url}\n`);
    for (const difference of result.differences) context.out(`  changed: ${difference.description}\n`);
    if (drop) context.out("Pending updates were dropped.\n");
  } else if (result.reason === "set_meanwhile") {
    context.out(`Webhook is set as configured (another caller set it meanwhile): ${url}\n`);
  } else {
    context.out(
      `Webhook is already set as configured; setWebhook was not called: ${url}\nUse --force to call it anyway.\n`,
    );
  }
  return 0;
}

async function remove(context: Context): Promise<number> {
  const client = api(context);
  const before = await client.getWebhookInfo();
  const drop = context.args.booleans.has("drop-pending-updates");
  await client.deleteWebhook(drop ? { drop_pending_updates: true } : {});
  context.out(
    before.url
      ? `Webhook deleted: ${displayWebhookUrl(before.url)}\n`
      : "No webhook was set; nothing to delete.\n",
  );
  context.out(
    drop
      ? "Pending updates were dropped.\n"
      : `${before.pending_update_count} pending update(s) are kept for getUpdates or the next webhook.\n`,
  );
  return 0;
}

async function check(context: Context): Promise<number> {
  const { args, env } = context;
  const problems: string[] = [];
  const notes: string[] = [];
  const url = args.strings.get("url") ?? (env.WEBHOOK_URL || undefined);
  const secretToken = args.strings.get("secret-token") ?? (env.WEBHOOK_SECRET || undefined);
  const healthValue = args.strings.get("health");
  const healthUrl = healthValue === undefined ? undefined : parseHealthUrl(healthValue);
  if (healthUrl === undefined && args.strings.has("max-run-age")) {
    throw new UsageError("--max-run-age applies to the runs read with --health: pass --health <url> too.");
  }
  const maxRunAge = integerFlag(args, "max-run-age") ?? DEFAULT_MAX_RUN_AGE_S;
  const health: Promise<HealthReading> | undefined =
    healthUrl && readWebhookHealth(healthUrl, context.maxWaitMs);
  let webhook: WebhookInfo;
  if (url !== undefined) {
    const result = await ensureWebhook({
      ...(await webhookOptions(context)),
      secretToken,
      allowUnauthenticated: secretToken === undefined,
      mode: "never",
    });
    webhook = result.info;
    const registeredFingerprint = splitFingerprint(webhook.url ?? "").fingerprint;
    for (const difference of result.differences) {
      if (
        difference.field === "secret_token" &&
        (secretToken === undefined || registeredFingerprint === undefined)
      ) {
        notes.push(
          secretToken === undefined
            ? "the secret token was not checked: set WEBHOOK_SECRET (or pass --secret-token) to check it."
            : `the secret token cannot be checked: ${difference.description}.`,
        );
      } else if (difference.field === "certificate" && !args.strings.has("certificate")) {
        notes.push(`${difference.description} (pass --certificate to compare).`);
      } else {
        problems.push(`${difference.description}.`);
      }
    }
  } else {
    webhook = await api(context).getWebhookInfo();
    notes.push("the URL was not compared: pass --url or set WEBHOOK_URL.");
    if (!webhook.url) problems.push("no webhook is set (the bot is in getUpdates mode).");
  }
  checkHealth(webhook, context, problems, notes);
  const reading = await health;
  if (reading) problems.push(...(reading.ok ? healthProblems(reading.stats, maxRunAge) : [reading.problem]));

  if (args.booleans.has("json")) {
    const report = {
      healthy: problems.length === 0,
      problems,
      notes,
      info: shown(webhook),
      ...(reading?.ok && { health: reading.stats }),
    };
    context.out(`${JSON.stringify(report, null, 2)}\n`);
  } else {
    context.out(formatWebhookInfo(webhook));
    if (reading) context.out(formatWebhookHealth(reading));
    for (const note of notes) context.out(`note: ${note}\n`);
    context.out(
      problems.length === 0
        ? "Healthy.\n"
        : `${problems.length} problem${problems.length === 1 ? "" : "s"}:\n${problems.map((p) => `  - ${p}\n`).join("")}`,
    );
  }
  return problems.length === 0 ? 0 : 1;
}

function checkHealth(webhook: WebhookInfo, context: Context, problems: string[], notes: string[]): void {
  if (!webhook.url) return;
  const pending = webhook.pending_update_count;
  const maxPending = integerFlag(context.args, "max-pending") ?? DEFAULT_MAX_PENDING;
  const maxErrorAge = integerFlag(context.args, "max-error-age") ?? DEFAULT_MAX_ERROR_AGE_S;
  if (webhook.last_error_date !== undefined) {
    const ageSeconds = Date.now() / 1000 - webhook.last_error_date;
    const error = `${webhook.last_error_message ?? "(no message)"} at ${formatTime(webhook.last_error_date)}`;
    if (pending > 0 && ageSeconds <= maxErrorAge) {
      problems.push(`deliveries are failing: ${error}, with ${pending} update(s) pending.`);
    } else {
      notes.push(
        `last delivery error: ${error}${pending === 0 ? "; the queue has emptied since" : ""}. Telegram keeps it until the webhook is set again.`,
      );
    }
  }
  if (pending >= maxPending) {
    problems.push(`${pending} updates are pending (--max-pending is ${maxPending}).`);
  }
}

async function webhookOptions(context: Context): Promise<EnsureWebhookOptions> {
  const { args } = context;
  const url = args.strings.get("url") ?? (context.env.WEBHOOK_URL || undefined);
  if (url === undefined) throw new UsageError("no webhook URL: pass --url or set WEBHOOK_URL.");
  const allowedUpdates = args.strings.get("allowed-updates");
  const certificatePath = args.strings.get("certificate");
  return {
    token: context.token,
    apiRoot: context.apiRoot,
    local: context.local,
    maxWaitMs: context.maxWaitMs,
    url,
    maxConnections: integerFlag(args, "max-connections"),
    ipAddress: args.strings.get("ip-address"),
    allowedUpdates:
      allowedUpdates === undefined
        ? undefined
        : (allowedUpdates
            .split(",")
            .map((type) => type.trim())
            .filter(Boolean) as KnownUpdateType[]),
    certificate: certificatePath === undefined ? undefined : await readCertificate(certificatePath),
  };
}

/** Node-only: the core takes certificate bytes; a path is read here. */
async function readCertificate(path: string): Promise<Uint8Array> {
  try {
    return new Uint8Array(await readFile(path));
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    throw new UsageError(
      `could not read the certificate file ${path}${typeof code === "string" ? ` (${code})` : ""}.`,
    );
  }
}

function api(context: Context) {
  return createBotApi({ token: context.token, apiRoot: context.apiRoot, timeoutMs: context.maxWaitMs });
}

function integerFlag(args: ParsedArgs, name: string): number | undefined {
  const value = args.strings.get(name);
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value)) throw new UsageError(`--${name} must be a whole number.`);
  return Number(value);
}

/** `getWebhookInfo` as printed: the URL without a password. */
function shown(webhook: WebhookInfo): WebhookInfo {
  return webhook.url ? { ...webhook, url: displayWebhookUrl(webhook.url) } : webhook;
}
