import autocannon from "autocannon";
import { sampleUpdateBody } from "../sample-update.js";
import { quantileOfSorted } from "../stats.js";
import { SECRET_HEADER, SECRET_TOKEN, WEBHOOK_PATH } from "./constants.js";

/** One load round against one server. */
export interface LoadOptions {
  readonly port: number;
  /** Requests in the round; every one gets its own update_id. */
  readonly amount: number;
  readonly connections: number;
  /** The next update_id to use; the round takes `amount` ids from it. */
  readonly firstUpdateId: number;
  /** Send this instead of the right secret: only to prove the validity checks catch rejected requests. */
  readonly secretToken?: string;
  /** Send one update_id over and over: only to prove the checks catch updates answered without the bot. */
  readonly sameUpdateId?: boolean;
  /** Give up on the round after this long. */
  readonly maxSeconds: number;
  /** Count a request as timed out (an error) when its answer takes longer than this. Default 10 s. */
  readonly requestTimeoutSeconds?: number | undefined;
}

/** What the load generator saw. Latencies are its own, per request, in milliseconds. */
export interface LoadResult {
  readonly requestsPerSecond: number;
  readonly seconds: number;
  readonly sent: number;
  readonly ok200: number;
  /** Responses by status code. */
  readonly statuses: Readonly<Record<string, number>>;
  /** autocannon's own counters, which must all be 0. */
  readonly errors: number;
  readonly timeouts: number;
  readonly non2xx: number;
  readonly p50: number;
  readonly p99: number;
  /** CPU the load generator used, as a share of one core over the round. */
  readonly loadGenCpu: number;
  readonly stoppedEarly: boolean;
}

/**
 * Runs `amount` POST requests with the ~1 KB update over `connections` keep-alive connections. Each request
 * gets a body built for its own update_id (autocannon `setupRequest`), because telehook answers a repeated
 * update_id from its dedupe window without running the bot. The rate is measured from the start to the last
 * response, not autocannon's per-second samples, whose last one is partly idle.
 */
export function runLoad(options: LoadOptions): Promise<LoadResult> {
  const { amount } = options;
  let nextId = options.firstUpdateId;
  const latencies = new Float64Array(amount);
  const statuses: Record<string, number> = {};
  let responses = 0;
  let lastResponseAt = 0;
  let stoppedEarly = false;
  const cpuBefore = process.cpuUsage();
  const startedAt = performance.now();

  return new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url: `http://127.0.0.1:${options.port}${WEBHOOK_PATH}`,
        method: "POST",
        connections: options.connections,
        amount,
        timeout: options.requestTimeoutSeconds ?? 10,
        // autocannon notices that the last request is done only at its next sample tick (default 1 s).
        sampleInt: 50,
        headers: {
          "content-type": "application/json",
          [SECRET_HEADER]: options.secretToken ?? SECRET_TOKEN,
        },
        requests: [
          {
            setupRequest: (request) => ({
              ...request,
              body: sampleUpdateBody(options.sameUpdateId ? options.firstUpdateId : nextId++),
            }),
          },
        ],
      },
      (error, result) => {
        clearTimeout(guard);
        if (error) {
          reject(error);
          return;
        }
        const cpu = process.cpuUsage(cpuBefore);
        const seconds = ((lastResponseAt || performance.now()) - startedAt) / 1000;
        const measured = latencies.subarray(0, Math.min(responses, amount)).sort();
        resolve({
          requestsPerSecond: responses / seconds,
          seconds,
          sent: result.requests.sent,
          ok200: statuses["200"] ?? 0,
          statuses,
          errors: result.errors,
          timeouts: result.timeouts,
          non2xx: result.non2xx,
          p50: quantileOfSorted(measured, 0.5),
          p99: quantileOfSorted(measured, 0.99),
          loadGenCpu: (cpu.user + cpu.system) / 1e6 / ((performance.now() - startedAt) / 1000),
          stoppedEarly,
        });
      },
    );
    instance.on("response", (_client, statusCode, _bytes, responseTime) => {
      if (responses < amount) latencies[responses] = responseTime;
      responses++;
      statuses[statusCode] = (statuses[statusCode] ?? 0) + 1;
      lastResponseAt = performance.now();
    });
    const guard = setTimeout(() => {
      stoppedEarly = true;
      instance.stop();
    }, options.maxSeconds * 1000);
  });
}
