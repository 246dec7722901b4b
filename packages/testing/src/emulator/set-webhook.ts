import { applyAllowedUpdates } from "./allowed-updates.js";
import { badRequest, tooManyRequests } from "./bot-api-error.js";
import type { EmulatedBot } from "./emulated-bot.js";
import type { MethodOutcome } from "./envelope.js";
import { failConflict } from "./get-updates.js";
import { isUploadedFile, type UploadedFile } from "./multipart.js";
import { argFlag, argString, type CallParams } from "./request-params.js";
import { resolveWebhookTarget } from "./webhook-target.js";
import { parseWebhookUrl } from "./webhook-url.js";

/** The largest certificate file setWebhook accepts (3 MiB). */
const MAX_CERTIFICATE_BYTES = 3 * 1024 * 1024;

const SECRET_TOKEN_PATTERN = /^[A-Za-z0-9_-]*$/;

/**
 * `max_connections` as the server reads it: leading digits (anything else reads as 0), clamped to 1–100
 * (default 40), or 1–100 000 (default 100) in local mode. Never an error.
 */
export function clampMaxConnections(raw: string, local: boolean): number {
  const max = local ? 100_000 : 100;
  if (raw.trim() === "") return local ? 100 : 40;
  const match = /^\s*([+-]?\d+)/.exec(raw);
  const value = match?.[1] === undefined ? 0 : Number(match[1]);
  return Math.min(Math.max(value, 1), max);
}

function certificateOf(params: CallParams): UploadedFile | undefined {
  const value = params.certificate;
  if (isUploadedFile(value)) return value;
  if (typeof value === "string" && value.startsWith("attach://")) {
    const attached = params[value.slice("attach://".length)];
    if (isUploadedFile(attached)) return attached;
  }
  return undefined;
}

/**
 * setWebhook and deleteWebhook with the server's rules, in its order: the 1/s limit on setting a URL, the
 * "already set" shortcut, then the old webhook is removed *before* the new one is checked (so a failing call
 * leaves no webhook), drop_pending_updates, URL and secret checks, verification, and finally the new webhook.
 */
export async function processSetWebhook(
  bot: EmulatedBot,
  method: string,
  params: CallParams,
): Promise<MethodOutcome> {
  const { settings } = bot;
  const newUrl = method === "deletewebhook" ? "" : argString(params, "url");
  const now = settings.clock.now();
  if (newUrl !== "") {
    if (now < bot.nextSetWebhookAt) throw tooManyRequests(1);
    bot.nextSetWebhookAt = now + settings.setWebhookRateLimitMs;
  }
  const certificate = newUrl === "" ? undefined : certificateOf(params);
  const maxConnections =
    newUrl === "" ? 0 : clampMaxConnections(argString(params, "max_connections"), settings.local);
  const fixedIp = newUrl === "" ? "" : argString(params, "ip_address");
  const secretToken = newUrl === "" ? "" : argString(params, "secret_token");
  const dropPending = argFlag(params, "drop_pending_updates");
  const current = bot.webhook;

  if (bot.pendingSet !== undefined) {
    bot.pendingSet.superseded = true;
    bot.pendingSet = undefined;
  } else if (
    (current?.url ?? "") === newUrl &&
    !(current?.hasCertificate ?? false) &&
    certificate === undefined &&
    (current?.maxConnections ?? 0) === maxConnections &&
    (current?.fixedIp ?? "") === fixedIp &&
    (current?.secretToken ?? "") === secretToken &&
    !dropPending
  ) {
    bot.allowedUpdates = applyAllowedUpdates(argString(params, "allowed_updates"), bot.allowedUpdates);
    return {
      result: true,
      description: newUrl === "" ? "Webhook is already deleted" : "Webhook is already set",
    };
  }

  const wasSet = current !== undefined;
  bot.removeWebhook();
  if (dropPending) bot.store.dropAll();
  if (newUrl === "") {
    return { result: true, description: wasSet ? "Webhook was deleted" : "Webhook is already deleted" };
  }

  const url = parseWebhookUrl(newUrl);
  if (url === undefined) throw badRequest("invalid webhook URL specified");
  if (secretToken.length > 256) throw badRequest("secret token is too long");
  if (!SECRET_TOKEN_PATTERN.test(secretToken)) throw badRequest("secret token contains unallowed characters");
  if (certificate !== undefined && certificate.size > MAX_CERTIFICATE_BYTES) {
    throw badRequest(`certificate size is too big (${certificate.size} bytes)`);
  }

  const pending = { superseded: false };
  bot.pendingSet = pending;
  try {
    const target = await resolveWebhookTarget(url, {
      local: settings.local,
      loopback: settings.loopbackWebhooks,
      fixedIp,
    });
    if (pending.superseded) return await failConflict(bot, "Conflict: terminated by other setWebhook");
    bot.allowedUpdates = applyAllowedUpdates(argString(params, "allowed_updates"), bot.allowedUpdates);
    bot.installWebhook({
      url: newUrl,
      target,
      secretToken,
      maxConnections,
      fixedIp,
      hasCertificate: certificate !== undefined,
      certificate: certificate?.data,
    });
    return { result: true, description: "Webhook was set" };
  } finally {
    if (bot.pendingSet === pending) bot.pendingSet = undefined;
  }
}
