import { Readable } from "node:stream";
import { type BodyInput, createWebhookHandler } from "@telehook/core";
import { sampleUpdateBody } from "./sample-update.js";
import { median } from "./stats.js";

/** The ways one update is run, each timed per round. */
export const CORE_VARIANTS = ["pipeline", "bare", "pipeline-stream", "bare-stream"] as const;
export type CoreVariant = (typeof CORE_VARIANTS)[number];

/** The core pipeline's cost per update, beside a bare parse of the same bytes. */
export interface CorePipelineResult {
  readonly bodyBytes: number;
  readonly rounds: number;
  readonly perRound: number;
  /** Median over the rounds of each variant that ran, microseconds per update (NaN if it did not run). */
  readonly micros: Readonly<Record<CoreVariant, number>>;
  /** pipeline / bare, from the medians: the target. */
  readonly ratio: number;
  /** The same with the body as a Node stream, as the Express and Koa adapters hand it over. */
  readonly streamRatio: number;
  /** pipeline / bare round by round (they ran back to back): how steady the measure was. */
  readonly pairedRatios: readonly number[];
}

/**
 * The core pipeline (method, secret, content type, size, decode, JSON, shape, dedup, per-chat queue,
 * deadline, dispatch) against a bare `TextDecoder` + `JSON.parse` of the same bytes (awaited once, as an
 * async handler would be), interleaved in rounds. Each round's bodies are built before its clock starts,
 * each with a fresh update_id, so dedup does real work and no variant pays for making the bodies. The
 * `-stream` variants hand the same bytes over as a Node `Readable` holding one chunk, as an
 * `IncomingMessage` does; the bare one reads it with `data`/`end` listeners.
 */
export async function measureCorePipeline({
  rounds = 7,
  perRound = 50_000,
  variants = CORE_VARIANTS,
}: {
  rounds?: number;
  perRound?: number;
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
  const handler = createWebhookHandler({ secretToken: secret, onUpdate: () => void handled++ });
  const freshBodies = () =>
    Array.from({ length: perRound }, () => encoder.encode(sampleUpdateBody(nextId++)));
  const asStream = (bytes: Uint8Array) => {
    const stream = new Readable({ read() {} });
    stream.push(bytes);
    stream.push(null);
    return stream;
  };
  const bodyBytes = freshBodies()[0]?.byteLength ?? 0;

  async function pipeline(body: BodyInput): Promise<void> {
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

  /** One round of one variant, in milliseconds. */
  async function round(variant: CoreVariant): Promise<number> {
    const bytes = freshBodies();
    const streams = variant.endsWith("stream") ? bytes.map(asStream) : [];
    let sink = 0;
    const started = performance.now();
    if (variant === "pipeline") for (const body of bytes) await pipeline(body);
    else if (variant === "bare") for (const body of bytes) sink += await bare(body);
    else if (variant === "pipeline-stream") for (const body of streams) await pipeline(body);
    else for (const body of streams) sink += await bareStream(body);
    const elapsed = performance.now() - started;
    if (variant.startsWith("bare") && sink === 0) throw new Error("unreachable");
    return elapsed;
  }

  for (const variant of variants) await round(variant);
  const times = new Map<CoreVariant, number[]>(CORE_VARIANTS.map((variant) => [variant, []]));
  for (let i = 0; i < rounds; i++) {
    for (const variant of variants) times.get(variant)?.push(await round(variant));
  }
  const pipelines = variants.filter((variant) => variant.startsWith("pipeline")).length;
  if (handled !== perRound * (rounds + 1) * pipelines) {
    throw new Error(
      `INVALID: the pipeline handled ${handled} updates, expected ${perRound * (rounds + 1) * pipelines}`,
    );
  }
  const micros = Object.fromEntries(
    CORE_VARIANTS.map((variant) => {
      const measured = times.get(variant) ?? [];
      return [variant, measured.length === 0 ? Number.NaN : (median(measured) * 1000) / perRound];
    }),
  ) as Record<CoreVariant, number>;
  const pipelineTimes = times.get("pipeline") ?? [];
  const bareTimes = times.get("bare") ?? [];
  return {
    bodyBytes,
    rounds,
    perRound,
    micros,
    ratio: micros.pipeline / micros.bare,
    streamRatio: micros["pipeline-stream"] / micros["bare-stream"],
    pairedRatios: pipelineTimes.map((ms, i) => ms / (bareTimes[i] ?? Number.NaN)),
  };
}
