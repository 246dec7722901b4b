import { Readable } from "node:stream";
import { type BodyInput, createWebhookHandler, type WebhookOptions } from "@telehook/core";
import { openTelemetry } from "@telehook/opentelemetry";
import { sampleUpdateBody } from "./sample-update.js";
import { median, quantile, shuffled } from "./stats.js";

/** The ways one update is run, each timed per round. */
export const CORE_VARIANTS = [
  "pipeline",
  "bare",
  "pipeline-stream",
  "bare-stream",
  "pipeline-stats",
  "pipeline-otel",
] as const;
export type CoreVariant = (typeof CORE_VARIANTS)[number];

/** The core pipeline's cost per update, beside a bare parse of the same bytes. */
export interface CorePipelineResult {
  readonly bodyBytes: number;
  /** Slices per variant, and updates per slice. */
  readonly slices: number;
  readonly perSlice: number;
  /** Median over the slices of each variant that ran, microseconds per update (NaN if it did not run). */
  readonly micros: Readonly<Record<CoreVariant, number>>;
  /** pipeline / bare: the median over the slices of the ratio of the two slices that ran together. */
  readonly ratio: number;
  /** The same with the body as a Node stream, as the Express and Koa adapters hand it over. */
  readonly streamRatio: number;
  /** With `stats: true`: the `stats()` collector listens, so events are built. */
  readonly statsRatio: number;
  /** With `openTelemetry()` as instrumentation and no OpenTelemetry SDK registered (the API's no-op). */
  readonly otelRatio: number;
  /** The interquartile range of the per-slice ratios (pipeline / bare): how steady the measure was. */
  readonly ratioQuartiles: readonly [number, number];
}

/**
 * The core pipeline (method, secret, content type, size, decode, JSON, shape, dedup, per-chat queue,
 * deadline, dispatch) against a bare `TextDecoder` + `JSON.parse` of the same bytes (awaited once, as an
 * async handler would be). The variants take turns in short slices (`perSlice` updates each, in a fresh random
 * order every time), so that a machine whose speed drifts from second to second slows them alike; the ratio
 * is the median of the ratios of slices that ran together. Each slice's bodies are built before its clock
 * starts, each with a fresh update_id, so dedup does real work and no variant pays for making them. The
 * `-stream` variants hand the same bytes over as a Node `Readable` holding one chunk, as an
 * `IncomingMessage` does; the bare one reads it with `data`/`end` listeners. `pipeline` is the default, with no
 * listener, so no event is built; `pipeline-stats` has the `stats()` collector listening (`stats: true`);
 * `pipeline-otel` adds `openTelemetry()` with no SDK registered, the API's no-op tracer and
 * meter: the cost of the instrumentation itself.
 */
export async function measureCorePipeline({
  slices = 200,
  perSlice = 1000,
  variants = CORE_VARIANTS,
}: {
  slices?: number;
  perSlice?: number;
  /** Which variants to run, e.g. only `pipeline` to profile it alone. */
  variants?: readonly CoreVariant[];
} = {}): Promise<CorePipelineResult> {
  const secret = "bench_secret_token_0123456789";
  const headers: Record<string, string> = {
    "content-type": "application/json",
    "x-telegram-bot-api-secret-token": secret,
  };
  const header = (name: string) => headers[name];
  const encoder = new TextEncoder();
  const decoder = new TextDecoder();
  let handled = 0;
  let nextId = 1_000_000;
  const handlerWith = (options: Partial<WebhookOptions>) =>
    createWebhookHandler({ secretToken: secret, onUpdate: () => void handled++, ...options });
  const handlers = {
    default: handlerWith({}),
    stats: handlerWith({ stats: true }),
    otel: handlerWith({ instrumentation: openTelemetry() }),
  };
  const freshBodies = () =>
    Array.from({ length: perSlice }, () => encoder.encode(sampleUpdateBody(nextId++)));
  const asStream = (bytes: Uint8Array) => {
    const stream = new Readable({ read() {} });
    stream.push(bytes);
    stream.push(null);
    return stream;
  };
  const bodyBytes = freshBodies()[0]?.byteLength ?? 0;

  async function pipeline(body: BodyInput, handler = handlers.default): Promise<void> {
    const result = await handler.handle({ method: "POST", header, body });
    if (result.status !== 200)
      throw new Error(`INVALID: the pipeline answered ${result.status}: ${result.body}`);
  }
  async function bare(body: Uint8Array): Promise<number> {
    const value = JSON.parse(decoder.decode(body));
    await undefined;
    return value.update_id;
  }
  async function bareStream(body: Readable): Promise<number> {
    const bytes = await new Promise<Buffer>((resolve, reject) => {
      const chunks: Buffer[] = [];
      body.on("data", (chunk: Buffer) => chunks.push(chunk));
      body.on("end", () => resolve(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks)));
      body.on("error", reject);
    });
    return JSON.parse(decoder.decode(bytes)).update_id;
  }

  /** One slice of one variant, in milliseconds. */
  async function slice(variant: CoreVariant): Promise<number> {
    const bytes = freshBodies();
    const streams = variant.endsWith("stream") ? bytes.map(asStream) : [];
    let sink = 0;
    const started = performance.now();
    if (variant === "pipeline") for (const body of bytes) await pipeline(body);
    else if (variant === "bare") for (const body of bytes) sink += await bare(body);
    else if (variant === "pipeline-stream") for (const body of streams) await pipeline(body);
    else if (variant === "pipeline-stats") for (const body of bytes) await pipeline(body, handlers.stats);
    else if (variant === "pipeline-otel") for (const body of bytes) await pipeline(body, handlers.otel);
    else if (variant === "bare-stream") for (const body of streams) sink += await bareStream(body);
    else throw new Error(`no variant ${variant}`);
    const elapsed = performance.now() - started;
    if (variant.startsWith("bare") && sink === 0) throw new Error("unreachable");
    return elapsed;
  }

  const warmUp = Math.max(1, Math.round(slices / 10));
  const times = new Map<CoreVariant, number[]>(CORE_VARIANTS.map((variant) => [variant, []]));
  for (let i = -warmUp; i < slices; i++) {
    for (const variant of shuffled(variants)) {
      const ms = await slice(variant);
      if (i >= 0) times.get(variant)?.push(ms);
    }
  }
  const pipelines = variants.filter((variant) => variant.startsWith("pipeline")).length;
  const expected = perSlice * (slices + warmUp) * pipelines;
  if (handled !== expected)
    throw new Error(`INVALID: the pipeline handled ${handled} updates, expected ${expected}`);
  const of = (variant: CoreVariant) => times.get(variant) ?? [];
  const micros = Object.fromEntries(
    CORE_VARIANTS.map((variant) => [
      variant,
      of(variant).length === 0 ? Number.NaN : (median(of(variant)) * 1000) / perSlice,
    ]),
  ) as Record<CoreVariant, number>;
  const ratios = (a: CoreVariant, b: CoreVariant) => of(a).map((ms, i) => ms / (of(b)[i] ?? Number.NaN));
  const sliceRatios = ratios("pipeline", "bare");
  return {
    bodyBytes,
    slices,
    perSlice,
    micros,
    ratio: median(sliceRatios),
    streamRatio: median(ratios("pipeline-stream", "bare-stream")),
    statsRatio: median(ratios("pipeline-stats", "bare")),
    otelRatio: median(ratios("pipeline-otel", "bare")),
    ratioQuartiles: [quantile(sliceRatios, 0.25), quantile(sliceRatios, 0.75)],
  };
}
