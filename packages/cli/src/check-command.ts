import { ensureWebhook, type WebhookInfo } from "@telehook/core";
import { splitFingerprint } from "@telehook/core/internal";
import { formatTime, formatWebhookInfo } from "./format-info.js";
import { UsageError } from "./usage-error.js";
import {
  botApi,
  COMMON_FLAGS,
  CONFIG_FLAGS,
  integerFlag,
  shownInfo,
  type WebhookCommand,
  type WebhookContext,
  webhookOptions,
} from "./webhook-command.js";
import {
  formatWebhookHealth,
  type HealthReading,
  healthProblems,
  parseHealthUrl,
  readWebhookHealth,
} from "./webhook-health.js";

const DEFAULT_MAX_PENDING = 100;
const DEFAULT_MAX_ERROR_AGE_S = 600;
const DEFAULT_MAX_RUN_AGE_S = 60;

/**
 * `telehook check`: compares the webhook with the local config and reports problems (and, with `--health`,
 * the handler's stats). Exit code 0 when healthy, 1 when there are problems.
 */
export const checkCommand: WebhookCommand = {
  flags: [...COMMON_FLAGS, ...CONFIG_FLAGS, "max-pending", "max-error-age", "health", "max-run-age", "json"],
  run: check,
};

async function check(context: WebhookContext): Promise<number> {
  const { flags, env } = context;
  const problems: string[] = [];
  const notes: string[] = [];
  const url = flags.url ?? (env.WEBHOOK_URL || undefined);
  const secretToken = flags["secret-token"] ?? (env.WEBHOOK_SECRET || undefined);
  const healthUrl = flags.health === undefined ? undefined : parseHealthUrl(flags.health);
  if (healthUrl === undefined && flags["max-run-age"] !== undefined) {
    throw new UsageError("--max-run-age applies to the runs read with --health: pass --health <url> too.");
  }
  const maxRunAge = integerFlag(flags["max-run-age"], "max-run-age") ?? DEFAULT_MAX_RUN_AGE_S;
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
      } else if (difference.field === "certificate" && flags.certificate === undefined) {
        notes.push(`${difference.description} (pass --certificate to compare).`);
      } else {
        problems.push(`${difference.description}.`);
      }
    }
  } else {
    webhook = await botApi(context).getWebhookInfo();
    notes.push("the URL was not compared: pass --url or set WEBHOOK_URL.");
    if (!webhook.url) problems.push("no webhook is set (the bot is in getUpdates mode).");
  }
  checkDeliveries(webhook, context, problems, notes);
  const reading = await health;
  if (reading) problems.push(...(reading.ok ? healthProblems(reading.stats, maxRunAge) : [reading.problem]));

  if (flags.json) {
    const report = {
      healthy: problems.length === 0,
      problems,
      notes,
      info: shownInfo(webhook),
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

/** A recent delivery error while updates wait, or too many pending updates, is a problem. */
function checkDeliveries(
  webhook: WebhookInfo,
  context: WebhookContext,
  problems: string[],
  notes: string[],
): void {
  if (!webhook.url) return;
  const pending = webhook.pending_update_count;
  const maxPending = integerFlag(context.flags["max-pending"], "max-pending") ?? DEFAULT_MAX_PENDING;
  const maxErrorAge = integerFlag(context.flags["max-error-age"], "max-error-age") ?? DEFAULT_MAX_ERROR_AGE_S;
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
