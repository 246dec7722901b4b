import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { PrometheusExporter } from "@opentelemetry/exporter-prometheus";
import { MeterProvider } from "@opentelemetry/sdk-metrics";
import { telegramWebhook } from "@telehook/express";
import { openTelemetry } from "@telehook/opentelemetry";
import { CONFORMANCE_SECRET, sampleUpdate, telegramHeaders } from "@telehook/testing/conformance";
import express from "express";
import { afterEach, expect, test } from "vitest";

// The README's Prometheus example, run: the exporter's handler mounted on the app's own server at
// /metrics (no second port), scraped once after a few updates.

let server: Server | undefined;
let meterProvider: MeterProvider | undefined;
afterEach(async () => {
  await meterProvider?.shutdown();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
});

test("a Prometheus scrape shows the duration histogram, the outcomes and the gauges", async () => {
  const exporter = new PrometheusExporter({ preventServerStart: true });
  meterProvider = new MeterProvider({ readers: [exporter] });

  const app = express();
  app.use(
    "/bot",
    telegramWebhook({
      secretToken: CONFORMANCE_SECRET,
      onUpdate: () => {},
      instrumentation: openTelemetry({ meterProvider }),
    }),
  );
  app.get("/metrics", (req, res) => exporter.getMetricsRequestHandler(req, res));
  const listening = app.listen(0, "127.0.0.1");
  server = listening;
  await new Promise((resolve) => listening.once("listening", resolve));
  const base = `http://127.0.0.1:${(listening.address() as AddressInfo).port}`;

  const post = (id: number, secret = CONFORMANCE_SECRET) =>
    fetch(`${base}/bot`, {
      method: "POST",
      headers: telegramHeaders(secret),
      body: JSON.stringify(sampleUpdate(id)),
    });
  expect((await post(1)).status).toBe(200);
  expect((await post(2)).status).toBe(200);
  expect((await post(3, "wrong_secret")).status).toBe(401);

  const scrape = await (await fetch(`${base}/metrics`)).text();
  expect(scrape).toMatch(
    /^messaging_process_duration(_seconds)?_count\{[^}]*telegram_update_type="message"[^}]*\} 2$/m,
  );
  expect(scrape).toMatch(/^telehook_webhook_outcomes_total\{telehook_outcome="finished",[^}]*\} 2$/m);
  expect(scrape).toMatch(
    /^telehook_webhook_outcomes_total\{telehook_outcome="rejected",telehook_reason="secret_token_invalid",[^}]*\} 1$/m,
  );
  expect(scrape).toMatch(/^telehook_webhook_in_flight\{[^}]*\} 0$/m);
  expect(scrape).toMatch(/^telehook_webhook_queued\{[^}]*\} 0$/m);
  expect(scrape).not.toContain(CONFORMANCE_SECRET);
});
