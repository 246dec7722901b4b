import { context, type Span, SpanKind, trace } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import { type DataPoint, MeterProvider, MetricReader } from "@opentelemetry/sdk-metrics";
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
} from "@opentelemetry/sdk-trace-base";
import type { NextFunction, Request, Response } from "express";

/** A reader the test collects from when it wants, instead of on a timer. */
class CollectingReader extends MetricReader {
  protected override onForceFlush(): Promise<void> {
    return Promise.resolve();
  }
  protected override onShutdown(): Promise<void> {
    return Promise.resolve();
  }
}

/** One metric as the test reads it: its points with their attributes and values. */
export interface CollectedMetric {
  readonly name: string;
  readonly unit: string;
  readonly points: readonly DataPoint<unknown>[];
}

/**
 * A real OpenTelemetry SDK with in-memory exporters: spans go to `spans()` as they end; `metrics()`
 * collects the meter's instruments now. The context manager is the one Node's SDK installs, so the
 * active context follows a request through its awaits.
 */
export function inMemorySdk() {
  const contextManager = new AsyncLocalStorageContextManager().enable();
  context.setGlobalContextManager(contextManager);
  const exporter = new InMemorySpanExporter();
  const tracerProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  const reader = new CollectingReader();
  const meterProvider = new MeterProvider({ readers: [reader] });

  async function metrics(): Promise<Map<string, CollectedMetric>> {
    const { resourceMetrics } = await reader.collect();
    const found = new Map<string, CollectedMetric>();
    for (const scope of resourceMetrics.scopeMetrics) {
      for (const metric of scope.metrics) {
        found.set(metric.descriptor.name, {
          name: metric.descriptor.name,
          unit: metric.descriptor.unit,
          points: metric.dataPoints as DataPoint<unknown>[],
        });
      }
    }
    return found;
  }

  /**
   * Express middleware standing in for HTTP instrumentation: a SERVER span per request, active while the
   * request is handled, as `@opentelemetry/instrumentation-http` makes it.
   */
  function httpServerSpans() {
    const tracer = tracerProvider.getTracer("http-stand-in");
    return (req: Request, res: Response, next: NextFunction) => {
      const span: Span = tracer.startSpan(`${req.method} ${req.path}`, { kind: SpanKind.SERVER });
      res.on("finish", () => {
        span.setAttribute("http.response.status_code", res.statusCode);
        span.end();
      });
      context.with(trace.setSpan(context.active(), span), next);
    };
  }

  async function shutdown(): Promise<void> {
    await tracerProvider.shutdown();
    await meterProvider.shutdown();
    contextManager.disable();
    context.disable();
  }

  return {
    tracerProvider,
    meterProvider,
    spans: (): ReadableSpan[] => exporter.getFinishedSpans(),
    metrics,
    httpServerSpans,
    shutdown,
  };
}

/** Polls `check` every few milliseconds until it holds, for at most two seconds. */
export async function until(check: () => boolean, what = "the condition"): Promise<void> {
  for (let waited = 0; !check(); waited += 5) {
    if (waited > 2000) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
