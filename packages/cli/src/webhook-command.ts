import { readFile } from "node:fs/promises";
import {
  createBotApi,
  type EnsureWebhookOptions,
  type KnownUpdateType,
  type WebhookInfo,
} from "@telehook/core";
import { displayWebhookUrl } from "@telehook/core/internal";
import type { FlagValues } from "./read-flags.js";
import { UsageError } from "./usage-error.js";

/** Every flag of the webhook commands (`info`, `set`, `delete`, `check`); each command accepts some. */
export const WEBHOOK_FLAGS = {
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
} as const;

/** A flag of the webhook commands. */
export type WebhookFlag = keyof typeof WEBHOOK_FLAGS;

/** The flags every webhook command accepts. */
export const COMMON_FLAGS: readonly WebhookFlag[] = ["help", "api-root", "local", "max-wait"];

/** The flags that describe the webhook's configuration (`set` and `check`). */
export const CONFIG_FLAGS: readonly WebhookFlag[] = [
  "url",
  "secret-token",
  "max-connections",
  "allowed-updates",
  "ip-address",
  "certificate",
];

/** What a webhook command runs with: its flags, the environment and the resolved Bot API settings. */
export interface WebhookContext {
  /** The flags given on the command line, already checked against the command's list. */
  readonly flags: FlagValues<typeof WEBHOOK_FLAGS>;
  /** The process environment (`WEBHOOK_URL`, `WEBHOOK_SECRET`, …). */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** The bot token from `TELEGRAM_BOT_TOKEN`, never empty. */
  readonly token: string;
  /** The Bot API server: `--api-root`, else `TELEGRAM_API_ROOT`; undefined for api.telegram.org. */
  readonly apiRoot: string | undefined;
  /** `--local`: the server is a local Bot API server, with its relaxed rules. */
  readonly local: true | undefined;
  /** `--max-wait`: the total time for retries after 429s and network failures, in ms; 30000 by default. */
  readonly maxWaitMs: number;
  /** Writes to standard output, with the token and secret redacted. */
  readonly out: (text: string) => void;
}

/** A webhook command: the flags it accepts and what it does; resolves with the exit code. */
export interface WebhookCommand {
  /** The flags the command accepts; any other is a usage error. */
  readonly flags: readonly WebhookFlag[];
  /** Does the work; resolves with the process exit code. */
  readonly run: (context: WebhookContext) => Promise<number>;
}

/** A Bot API client for the context's token, server and wait. */
export function botApi(context: WebhookContext) {
  return createBotApi({ token: context.token, apiRoot: context.apiRoot, timeoutMs: context.maxWaitMs });
}

/** A flag that must be a whole number, or undefined when not given. */
export function integerFlag(value: string | undefined, name: WebhookFlag): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value)) throw new UsageError(`--${name} must be a whole number.`);
  return Number(value);
}

/** `getWebhookInfo` as printed: the URL without a password. */
export function shownInfo(webhook: WebhookInfo): WebhookInfo {
  return webhook.url ? { ...webhook, url: displayWebhookUrl(webhook.url) } : webhook;
}

/** The `ensureWebhook` options that the flags and the environment describe (`set` and `check`). */
export async function webhookOptions(context: WebhookContext): Promise<EnsureWebhookOptions> {
  const { flags } = context;
  const url = flags.url ?? (context.env.WEBHOOK_URL || undefined);
  if (url === undefined) throw new UsageError("no webhook URL: pass --url or set WEBHOOK_URL.");
  const allowedUpdates = flags["allowed-updates"];
  const certificatePath = flags.certificate;
  return {
    token: context.token,
    apiRoot: context.apiRoot,
    local: context.local,
    maxWaitMs: context.maxWaitMs,
    url,
    maxConnections: integerFlag(flags["max-connections"], "max-connections"),
    ipAddress: flags["ip-address"],
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
