import { createWebhookHandler, type WebhookRequest } from "@telehook/core";
import { iqr, median, pairedT, quantile, shuffled } from "./stats.js";

/** One kind of wrong secret, timed. */
export interface TimingVariant {
  readonly name: string;
  /** Median time per rejected request, in nanoseconds. */
  readonly medianNs: number;
  readonly iqrNs: number;
}

/** Two variants compared, sample by sample: in each sample they ran back to back, in a random order. */
export interface TimingComparison {
  readonly a: string;
  readonly b: string;
  /** Paired t over the per-sample differences a − b, the 10 % largest |a − b| dropped. */
  readonly t: number;
  /** Median of the per-sample differences a − b, in ns per request. */
  readonly medianDiffNs: number;
  /** That median relative to the IQR of a's samples. */
  readonly diffOverIqr: number;
  /** That median relative to a's median time. */
  readonly relativeDiff: number;
  /**
   * |t| above the threshold and the difference at least MIN_EFFECT of the time, and the same again in a
   * second, independent measurement: a dependency.
   */
  readonly dependent: boolean;
  /** The paired t of the second measurement, taken only when the first found a dependency. */
  readonly confirmT?: number;
}

export interface SecretTimingResult {
  readonly secretLength: number;
  readonly samples: number;
  readonly batch: number;
  readonly threshold: number;
  readonly minEffect: number;
  readonly variants: readonly TimingVariant[];
  /** Wrong in the first character vs wrong only in the last one: must not be dependent. */
  readonly prefix: TimingComparison;
  /** The right length vs a different length. */
  readonly length: TimingComparison;
  /** The same two secrets through an early-exit comparison added to each request: must be dependent. */
  readonly control: TimingComparison;
  /**
   * The right length vs a different length through a comparison added to each request that stops at a
   * length mismatch and is constant-time otherwise (the classic leak): must be dependent.
   */
  readonly lengthControl: TimingComparison;
}

/** dudect's threshold for "the timings differ". */
export const T_THRESHOLD = 4.5;
/**
 * The smallest difference that counts, as a share of the rejection time (about 30 ns here): far below what
 * an early-exit comparison leaks over a few matching characters, far above the bias of a shared machine.
 */
export const MIN_EFFECT = 0.01;

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-";

/**
 * Does the time to reject a wrong secret depend on how much of it matches? Times batches of
 * `handler.handle` with a 256-character secret (the longest allowed, where a leak would be largest) that is
 * wrong in its first character, wrong only in its last, or of another length, interleaved in a random order
 * for every sample, and compares the variants sample by sample (a paired t), so that the load of a shared
 * machine, which slows both alike, cancels out. Two positive controls add a comparison to each request that
 * leaks, one the matching prefix (an early exit at the first difference), one the length (an early exit at a
 * length mismatch), to show that a leak of that size would be detected in this same run.
 */
export async function measureSecretTiming({
  samples = 4000,
  batch = 64,
}: {
  samples?: number;
  batch?: number;
} = {}): Promise<SecretTimingResult> {
  const secret = Array.from({ length: 256 }, (_, i) => ALPHABET[(i * 37 + 11) % ALPHABET.length]).join("");
  const flip = (char: string) => (char === "A" ? "B" : "A");
  // Flat strings, as an HTTP parser makes them: a concatenation would be a slower V8 cons-string.
  const flat = (text: string) => JSON.parse(JSON.stringify(text)) as string;
  const wrongFirst = flat(flip(secret.charAt(0)) + secret.slice(1));
  const wrongLast = flat(secret.slice(0, -1) + flip(secret.charAt(255)));
  const otherLength = flat(wrongFirst.slice(0, 128));
  const handler = createWebhookHandler({ secretToken: secret, onUpdate: () => {} });
  const body = new TextEncoder().encode('{"update_id":1,"message":{}}');
  const requestWith = (received: string): WebhookRequest => {
    const headers: Record<string, string> = {
      "content-type": "application/json",
      "x-telegram-bot-api-secret-token": received,
    };
    return { method: "POST", header: (name) => headers[name], body };
  };

  let sink = 0;
  const variants: { name: string; run: () => Promise<number> }[] = [
    ["wrong first char", wrongFirst],
    ["wrong last char", wrongLast],
    ["other length (128)", otherLength],
  ].map(([name, received]) => {
    const request = requestWith(received as string);
    return { name: name as string, run: () => handler.handle(request).then((result) => result.status) };
  });
  for (const [name, received, leakyEqual] of [
    ["control: first", wrongFirst, earlyExitEqual],
    ["control: last", wrongLast, earlyExitEqual],
    ["control: right length", wrongFirst, lengthFirstEqual],
    ["control: other length", otherLength, lengthFirstEqual],
  ] as const) {
    const request = requestWith(received);
    variants.push({
      name,
      run: () => {
        sink += leakyEqual(secret, received) ? 1 : 0;
        return handler.handle(request).then((result) => result.status);
      },
    });
  }

  async function measure(warmup: number): Promise<Map<string, number[]>> {
    const timings = new Map<string, number[]>(variants.map((variant) => [variant.name, []]));
    for (let sample = -warmup; sample < samples; sample++) {
      for (const variant of shuffled(variants)) {
        const started = process.hrtime.bigint();
        for (let i = 0; i < batch; i++) {
          if ((await variant.run()) !== 401) throw new Error(`INVALID: ${variant.name} was not answered 401`);
        }
        const ns = Number(process.hrtime.bigint() - started) / batch;
        if (sample >= 0) timings.get(variant.name)?.push(ns);
      }
    }
    return timings;
  }

  const first = await measure(Math.min(500, Math.floor(samples / 4)));
  // A dependency counts only if a second, independent measurement finds it again, in the same direction:
  // a shared machine can slow one variant's samples by chance for a while.
  let second: Map<string, number[]> | undefined;
  const confirmed = async (a: string, b: string): Promise<TimingComparison> => {
    const found = compare(first, a, b);
    if (!found.dependent) return found;
    second ??= await measure(50);
    const again = compare(second, a, b);
    return {
      ...found,
      confirmT: again.t,
      dependent: again.dependent && Math.sign(again.t) === Math.sign(found.t),
    };
  };
  const prefix = await confirmed("wrong first char", "wrong last char");
  const length = await confirmed("wrong first char", "other length (128)");
  const control = await confirmed("control: first", "control: last");
  const lengthControl = await confirmed("control: right length", "control: other length");
  if (sink !== 0) throw new Error("unreachable: a wrong secret compared equal");
  const of = (name: string) => first.get(name) ?? [];
  return {
    secretLength: secret.length,
    samples,
    batch,
    threshold: T_THRESHOLD,
    minEffect: MIN_EFFECT,
    variants: variants.map(({ name }) => ({ name, medianNs: median(of(name)), iqrNs: iqr(of(name)) })),
    prefix,
    length,
    control,
    lengthControl,
  };
}

/** Compares two variants of one measurement, sample by sample. */
function compare(timings: Map<string, number[]>, a: string, b: string): TimingComparison {
  const of = (name: string) => timings.get(name) ?? [];
  const differences = of(a).map((ns, i) => ns - (of(b)[i] as number));
  const limit = quantile(
    differences.map((d) => Math.abs(d)),
    0.9,
  );
  const t = pairedT(differences.filter((d) => Math.abs(d) <= limit));
  const medianDiffNs = median(differences);
  const spread = iqr(of(a));
  const relativeDiff = medianDiffNs / median(of(a));
  return {
    a,
    b,
    t,
    medianDiffNs,
    diffOverIqr: spread === 0 ? 0 : medianDiffNs / spread,
    relativeDiff,
    dependent: Math.abs(t) > T_THRESHOLD && Math.abs(relativeDiff) >= MIN_EFFECT,
  };
}

/** A comparison that stops at the first difference: what the control must catch. */
function earlyExitEqual(expected: string, received: string): boolean {
  if (expected.length !== received.length) return false;
  for (let i = 0; i < expected.length; i++) {
    if (expected.charCodeAt(i) !== received.charCodeAt(i)) return false;
  }
  return true;
}

/** A comparison that stops at a length mismatch and visits every character otherwise: what the length control must catch. */
function lengthFirstEqual(expected: string, received: string): boolean {
  if (expected.length !== received.length) return false;
  let difference = 0;
  for (let i = 0; i < expected.length; i++) difference |= expected.charCodeAt(i) ^ received.charCodeAt(i);
  return difference === 0;
}
