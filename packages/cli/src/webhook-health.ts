import type { WebhookStats } from "@telehook/core";
import { httpUrlFlag } from "./http-url-flag.js";

/** What `check --health URL` found: the handler's `stats()`, or why they could not be read. */
export type HealthReading =
  | {
      /** The stats were read. */
      readonly ok: true;
      /** The health URL as printed: no credentials, no query. */
      readonly url: string;
      /** What `stats()` answered. */
      readonly stats: WebhookStats;
    }
  | {
      /** The stats could not be read. */
      readonly ok: false;
      /** The health URL as printed: no credentials, no query. */
      readonly url: string;
      /** Why, as a sentence for the report. */
      readonly problem: string;
    };

/** The URL as printed: no user name or password, no query (either may carry a credential). */
function shownUrl(url: URL): string {
  return `${url.protocol}//${url.host}${url.pathname}`;
}

/** Checks the `--health` value before anything is called; a wrong one is a usage error. */
export function parseHealthUrl(value: string): URL {
  return httpUrlFlag(value, "health", "http://127.0.0.1:3000/health");
}

/**
 * GETs the health route that serves `handler.stats()` as JSON. Whatever its status (a route may answer
 * 503 while the store fails), a body shaped like the stats is read; anything else is a problem.
 */
export async function readWebhookHealth(url: URL, timeoutMs: number): Promise<HealthReading> {
  const shown = shownUrl(url);
  let text: string;
  try {
    const response = await fetch(url, {
      headers: { accept: "application/json" },
      signal: AbortSignal.timeout(timeoutMs),
    });
    text = await response.text();
  } catch (error) {
    const cause = (error as { cause?: { code?: unknown } }).cause?.code;
    const why = typeof cause === "string" ? cause : error instanceof Error ? error.name : "failed";
    return { ok: false, url: shown, problem: `could not read the health URL ${shown} (${why}).` };
  }
  let stats: unknown;
  try {
    stats = JSON.parse(text);
  } catch {
    stats = undefined;
  }
  if (!isStats(stats)) {
    return {
      ok: false,
      url: shown,
      problem: `the health URL ${shown} did not answer handler.stats() JSON (inFlight, queued, oldestRunningMs, store).`,
    };
  }
  return { ok: true, url: shown, stats };
}

function isStats(value: unknown): value is WebhookStats {
  if (typeof value !== "object" || value === null) return false;
  const stats = value as Partial<Record<keyof WebhookStats, unknown>>;
  const store = stats.store as { healthy?: unknown; failures?: unknown } | undefined;
  return (
    typeof stats.inFlight === "number" &&
    typeof stats.queued === "number" &&
    typeof stats.oldestRunningMs === "number" &&
    typeof store === "object" &&
    store !== null &&
    typeof store.healthy === "boolean" &&
    typeof store.failures === "number"
  );
}

/** As wide as the labels of `getWebhookInfo` printed above, so the columns line up. */
const LABEL_WIDTH = "Custom certificate:".length;

const seconds = (ms: number) => `${Number((ms / 1000).toFixed(1))} s`;

/** The problems `stats()` shows: a failing store, or a run older than `maxRunAgeS` seconds. */
export function healthProblems(stats: WebhookStats, maxRunAgeS: number): string[] {
  const problems: string[] = [];
  if (!stats.store.healthy) {
    const last = stats.store.lastFailure;
    const count = `${stats.store.failures} failure${stats.store.failures === 1 ? "" : "s"} since start`;
    const detail = last
      ? `, the last to ${last.action}${last.timedOut ? " (timed out)" : ""} ${seconds(last.agoMs)} ago`
      : "";
    problems.push(`the webhook's store is failing: ${count}${detail}.`);
  }
  if (stats.inFlight > 0 && stats.oldestRunningMs > maxRunAgeS * 1000) {
    problems.push(
      `an update has been running for ${seconds(stats.oldestRunningMs)} (--max-run-age is ${maxRunAgeS} s).`,
    );
  }
  return problems;
}

/** `stats()` as aligned lines, to print under `getWebhookInfo`. */
export function formatWebhookHealth(reading: HealthReading): string {
  if (!reading.ok) return `${"Health URL:".padEnd(LABEL_WIDTH)} ${reading.url} (unreadable)\n`;
  const { stats } = reading;
  const oldest = stats.inFlight > 0 ? `, oldest run ${seconds(stats.oldestRunningMs)}` : "";
  const counts = Object.entries(stats.counts)
    .map(([kind, count]) => `${kind} ${count}`)
    .join(", ");
  const rejections = Object.entries(stats.rejections)
    .map(([reason, count]) => `${reason} ${count}`)
    .join(", ");
  const rows: [string, string][] = [
    ["Health URL", reading.url],
    ["Handler", `${stats.inFlight} in flight, ${stats.queued} queued${oldest}`],
    ["Store", stats.store.healthy ? `healthy (${stats.store.failures} failures since start)` : "failing"],
    ["Outcomes", counts || "(none counted: stats: false?)"],
  ];
  if (rejections) rows.push(["Refusals", rejections]);
  return `${rows.map(([label, value]) => `${`${label}:`.padEnd(LABEL_WIDTH)} ${value}`).join("\n")}\n`;
}
