import { createWebhookHandler } from "@telehook/core";
import { sampleUpdateBody } from "./sample-update.js";

/**
 * The core pipeline (method, secret, content type, size, decode, JSON, shape, dedup, per-chat queue,
 * deadline, dispatch) against a bare `JSON.parse` of the same bytes, interleaved in rounds.
 */
export async function measureCorePipeline({ rounds = 5, perRound = 50_000 } = {}) {
  const secret = "bench_secret_token_0123456789";
  const headers: Record<string, string> = {
    "content-type": "application/json",
    "x-telegram-bot-api-secret-token": secret,
  };
  const encoder = new TextEncoder();
  const decoder = new TextDecoder();
  let handled = 0;
  let nextId = 1_000_000;
  const handler = createWebhookHandler({ secretToken: secret, onUpdate: () => void handled++ });
  const bodies = Array.from({ length: 1000 }, (_, i) => encoder.encode(sampleUpdateBody(500_000 + i)));
  const bodyBytes = bodies[0]?.byteLength ?? 0;

  async function pipelineRound(): Promise<number> {
    const started = performance.now();
    for (let i = 0; i < perRound; i++) {
      // Fresh ids each time, so dedup does real work instead of answering "already handled".
      const body = encoder.encode(sampleUpdateBody(nextId++));
      const result = await handler.handle({ method: "POST", header: (name) => headers[name], body });
      if (result.status !== 200) throw new Error(`pipeline answered ${result.status}`);
    }
    return performance.now() - started;
  }

  async function bareRound(): Promise<number> {
    const started = performance.now();
    let sink = 0;
    for (let i = 0; i < perRound; i++) {
      const body = encoder.encode(sampleUpdateBody(nextId++));
      const value = JSON.parse(decoder.decode(body));
      sink += value.update_id;
      await undefined;
    }
    if (sink === 0) throw new Error("unreachable");
    return performance.now() - started;
  }

  await pipelineRound();
  await bareRound();
  const pipeline: number[] = [];
  const bare: number[] = [];
  for (let round = 0; round < rounds; round++) {
    pipeline.push(await pipelineRound());
    bare.push(await bareRound());
  }
  const median = (values: number[]) =>
    [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;
  const perUpdate = (ms: number) => (ms * 1000) / perRound;
  if (handled !== perRound * (rounds + 1))
    throw new Error(`handled ${handled} updates, expected ${perRound * (rounds + 1)}`);
  void bodies;
  return {
    bodyBytes,
    pipelineMicros: perUpdate(median(pipeline)),
    bareMicros: perUpdate(median(bare)),
    ratio: median(pipeline) / median(bare),
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(await measureCorePipeline());
}
