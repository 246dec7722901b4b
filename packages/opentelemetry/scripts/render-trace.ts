/**
 * Renders docs/trace.png, the README's trace screenshot: real requests through Express with an HTTP server
 * span per request (standing in for HTTP instrumentation) and `openTelemetry()`, exported to memory, drawn
 * as a waterfall page and photographed by headless Chromium.
 *
 *   pnpm --filter @telehook/opentelemetry render-trace   (needs /usr/bin/chromium, or CHROMIUM=path)
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { SpanStatusCode } from "@opentelemetry/api";
import type { ReadableSpan } from "@opentelemetry/sdk-trace-base";
import { telegramWebhook, type Update } from "@telehook/express";
import { openTelemetry } from "@telehook/opentelemetry";
import { CONFORMANCE_SECRET, telegramHeaders } from "@telehook/testing/conformance";
import express from "express";
import request from "supertest";
import { inMemorySdk } from "../test/sdk.js";

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const message = (id: number, chat: number, text: string) =>
  JSON.stringify({
    update_id: id,
    message: { message_id: id, date: 0, chat: { id: chat, type: "private" }, text },
  });

async function recordSpans(): Promise<ReadableSpan[]> {
  const sdk = inMemorySdk();
  const app = express();
  app.use(sdk.httpServerSpans());
  let failedOnce = false;
  let release = () => {};
  const held = new Promise<void>((resolve) => {
    release = resolve;
  });
  app.use(
    "/bot",
    telegramWebhook({
      secretToken: CONFORMANCE_SECRET,
      deadlineMs: 120,
      maxInFlight: 3,
      onError: () => {},
      onUpdate: async (update: Update) => {
        const text = update.message?.text ?? "";
        if (text === "slow") await sleep(400);
        else if (text === "fails" && !failedOnce) {
          failedOnce = true;
          await sleep(15);
          throw new TypeError("the database said no");
        } else if (text === "hold") await held;
        else await sleep(25);
      },
      instrumentation: openTelemetry({
        tracerProvider: sdk.tracerProvider,
        meterProvider: sdk.meterProvider,
      }),
    }),
  );
  const post = (body: string, secret = CONFORMANCE_SECRET) =>
    request(app).post("/bot").set(telegramHeaders(secret)).send(body).then();
  await post(message(501, 1, "hello"));
  const slow = post(message(502, 2, "slow")); // acknowledged at the deadline, runs on
  await sleep(10);
  const queued = post(message(503, 2, "after the slow one")); // waits for its chat: refused at its deadline
  await sleep(10);
  await post(message(504, 3, "fails")); // fails: Telegram retries
  await post(message(504, 3, "fails")); // the retry succeeds
  const busy = [post(message(505, 4, "hold")), post(message(506, 5, "hold"))];
  await sleep(20);
  await post(message(507, 6, "one too many")); // shed: past maxInFlight (502, 505 and 506 run)
  await sleep(10);
  release();
  await Promise.all([slow, queued, ...busy]);
  await sleep(250);
  await post(message(508, 7, "x"), "wrong_secret"); // rejected before it is an update
  const spans = sdk.spans();
  await sdk.shutdown();
  return spans;
}

const ms = (time: [number, number]) => time[0] * 1000 + time[1] / 1e6;
const escapeHtml = (text: string) =>
  text.replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c] ?? c);

function page(spans: readonly ReadableSpan[]): { html: string; height: number } {
  const origin = Math.min(...spans.map((span) => ms(span.startTime)));
  const end = Math.max(...spans.map((span) => ms(span.endTime)));
  const scale = (t: number) => ((t - origin) / (end - origin)) * 100;
  const servers = spans
    .filter((span) => !span.parentSpanContext)
    .sort((a, b) => ms(a.startTime) - ms(b.startTime));
  const rows: string[] = [];
  for (const server of servers) {
    const children = spans.filter((span) => span.parentSpanContext?.spanId === server.spanContext().spanId);
    for (const [depth, span] of [[0, server] as const, ...children.map((child) => [1, child] as const)]) {
      const left = scale(ms(span.startTime));
      const width = Math.max(0.25, scale(ms(span.endTime)) - left);
      const failed = span.status.code === SpanStatusCode.ERROR;
      const attributes = span.attributes;
      const label =
        depth === 0
          ? `${span.name} → ${attributes["http.response.status_code"] ?? ""}`
          : `${span.name} · update ${attributes["messaging.message.id"]} · ${attributes["telegram.update.type"]}`;
      const detail = [
        attributes["error.type"] ? `error.type=${attributes["error.type"]}` : "",
        attributes["telehook.shed"] ? "shed" : "",
        attributes["telehook.acknowledged_early"] ? "acknowledged at the deadline" : "",
      ]
        .filter(Boolean)
        .join(" · ");
      const ticks = span.events
        .map((event, index) => {
          const at = scale(ms(event.time));
          const place = index % 2 === 1 ? ' class="below"' : "";
          return `<div class="tick" style="left:${at}%"><span${place}>${escapeHtml(event.name.replace("telehook.", ""))}</span></div>`;
        })
        .join("");
      rows.push(`<div class="row d${depth}">
  <div class="name">${escapeHtml(label)}<small>${escapeHtml(detail)}</small></div>
  <div class="lane"><div class="bar ${depth === 0 ? "server" : failed ? "error" : "consumer"}" style="left:${left}%;width:${width}%"></div>${ticks}</div>
  <div class="dur">${(ms(span.endTime) - ms(span.startTime)).toFixed(1)} ms</div>
</div>`);
    }
  }
  const html = `<!doctype html><meta charset="utf-8"><style>
body{font:13px/1.3 system-ui,sans-serif;margin:0;padding:18px 22px;background:#fff;color:#1d2330;width:1160px}
h1{font-size:16px;margin:0 0 4px}p{margin:0 0 14px;color:#5b6474}
.row{display:grid;grid-template-columns:420px 1fr 70px;align-items:center;min-height:30px;border-top:1px solid #eef0f4}
.d0{background:#fafbfc}.d1 .name{padding-left:22px}
.name{white-space:nowrap;overflow:hidden;text-overflow:ellipsis}.name small{display:block;color:#b4233a;font-size:11px}
.lane{position:relative;height:30px}.bar{position:absolute;top:9px;height:12px;border-radius:3px}
.server{background:#9aa5b8}.consumer{background:#3f7ee8}.error{background:#e0455c}
.tick{position:absolute;top:4px;height:22px;border-left:2px solid #1d2330}
.tick span{position:absolute;top:-3px;left:3px;font-size:10px;color:#1d2330;white-space:nowrap}
.tick span.below{top:13px}
.dur{text-align:right;color:#5b6474;font-variant-numeric:tabular-nums}
</style>
<h1>@telehook/opentelemetry: one trace per webhook request</h1>
<p>HTTP server spans (grey) with their <b>process telegram</b> CONSUMER spans (blue; red when error.type is set); ticks are span events. Recorded from real requests through Express with an in-memory exporter.</p>
${rows.join("\n")}`;
  return { html, height: 112 + rows.length * 31 };
}

const spans = await recordSpans();
const dir = mkdtempSync(join(tmpdir(), "telehook-trace-"));
const html = join(dir, "trace.html");
const { html: markup, height } = page(spans);
writeFileSync(html, markup);
const out = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..", "docs", "trace.png");
execFileSync(
  process.env.CHROMIUM ?? "/usr/bin/chromium",
  [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--hide-scrollbars",
    `--screenshot=${out}`,
    `--window-size=1204,${height}`,
    `file://${html}`,
  ],
  { stdio: "ignore" },
);
console.log(`wrote ${out} (${spans.length} spans; the page is ${html})`);
