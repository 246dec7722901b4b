import { createWebhookHandler, type WebhookRequest } from "@telehook/core";
import { sampleUpdateBody } from "./sample-update.js";
import { slope } from "./stats.js";

/** One heap sample, taken right after a full GC. */
export interface HeapSample {
  readonly updates: number;
  readonly heapUsed: number;
}

export interface MemoryResult {
  readonly updates: number;
  readonly concurrency: number;
  readonly seconds: number;
  readonly baseline: number;
  readonly peak: number;
  readonly final: number;
  /** Growth per update over the second half of the run (least squares), in bytes. */
  readonly secondHalfBytesPerUpdate: number;
  /** That trend times the updates of the second half: how much the heap grew while it should be flat. */
  readonly secondHalfGrowth: number;
  readonly samples: readonly HeapSample[];
  readonly rss: number;
  /** Why the heap counts as unbounded, or an empty list. */
  readonly failures: readonly string[];
}

/**
 * Limits: the live heap may not grow by more than this over the baseline, nor keep growing over the second
 * half of the run by more than the second figure (the least-squares trend over that half, so one noisy
 * sample does not decide). A leak of 32 bytes per update fails the second with a million updates.
 */
export const MAX_HEAP_GROWTH = 64 * 1024 * 1024;
export const MAX_SECOND_HALF_GROWTH = 16 * 1024 * 1024;

/**
 * Sends `updates` distinct updates through one `createWebhookHandler` with dedup on (its default in-memory
 * window), `concurrency` at a time, in process, with no HTTP. Every `sampleEvery` updates it forces a full GC
 * and records `heapUsed`. The heap must stay bounded: the dedupe window, per-chat queues and deadline queue
 * must forget what they no longer need. Needs `--expose-gc`.
 */
export async function measureMemory({
  updates = 1_000_000,
  sampleEvery = 50_000,
  concurrency = 64,
}: {
  updates?: number;
  sampleEvery?: number;
  concurrency?: number;
} = {}): Promise<MemoryResult> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error("the memory benchmark needs node --expose-gc");
  const heapNow = () => {
    gc();
    gc();
    return process.memoryUsage().heapUsed;
  };
  const secret = "bench_secret_token_0123456789";
  const headers: Record<string, string> = {
    "content-type": "application/json",
    "x-telegram-bot-api-secret-token": secret,
  };
  const header = (name: string) => headers[name];
  const encoder = new TextEncoder();
  let handled = 0;
  const handler = createWebhookHandler({ secretToken: secret, dedupe: true, onUpdate: () => void handled++ });
  const request = (updateId: number): WebhookRequest => ({
    method: "POST",
    header,
    body: encoder.encode(sampleUpdateBody(updateId)),
  });

  const baseline = heapNow();
  const samples: HeapSample[] = [{ updates: 0, heapUsed: baseline }];
  const firstId = 700_000_000;
  let sent = 0;
  const started = performance.now();
  while (sent < updates) {
    const batch: Promise<{ status: number }>[] = [];
    const size = Math.min(concurrency, updates - sent);
    for (let i = 0; i < size; i++) batch.push(handler.handle(request(firstId + sent + i)));
    for (const result of await Promise.all(batch)) {
      if (result.status !== 200) throw new Error(`INVALID: an update was answered ${result.status}`);
    }
    sent += size;
    if (sent % sampleEvery < size || sent === updates) samples.push({ updates: sent, heapUsed: heapNow() });
  }
  const seconds = (performance.now() - started) / 1000;
  if (handled !== updates) throw new Error(`INVALID: ${handled} of ${updates} updates reached onUpdate`);

  const final = samples[samples.length - 1]?.heapUsed ?? baseline;
  const peak = Math.max(...samples.map((sample) => sample.heapUsed));
  const secondHalf = samples.filter((sample) => sample.updates >= updates / 2);
  const perUpdate = slope(
    secondHalf.map((sample) => sample.updates),
    secondHalf.map((sample) => sample.heapUsed),
  );
  const failures: string[] = [];
  if (peak - baseline > MAX_HEAP_GROWTH) {
    failures.push(`peak heap ${mib(peak - baseline)} MiB above baseline (limit ${mib(MAX_HEAP_GROWTH)} MiB)`);
  }
  const secondHalfGrowth = secondHalf.length >= 3 ? perUpdate * (updates / 2) : 0;
  if (secondHalfGrowth > MAX_SECOND_HALF_GROWTH) {
    failures.push(
      `the heap still grows in the second half: ${perUpdate.toFixed(1)} bytes per update, ${mib(secondHalfGrowth)} MiB (limit ${mib(MAX_SECOND_HALF_GROWTH)} MiB)`,
    );
  }
  return {
    updates,
    concurrency,
    seconds,
    baseline,
    peak,
    final,
    secondHalfBytesPerUpdate: perUpdate,
    secondHalfGrowth,
    samples,
    rss: process.memoryUsage.rss(),
    failures,
  };
}

function mib(bytes: number): string {
  return (bytes / 1024 / 1024).toFixed(1);
}
