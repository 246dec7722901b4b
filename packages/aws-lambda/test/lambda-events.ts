import { readFileSync } from "node:fs";
import { STATUS_CODES } from "node:http";
import { type LambdaHttpResult, type LambdaWebhookOptions, telegramWebhook } from "@telehook/aws-lambda";
import type {
  ConformanceHarness,
  ConformanceRequest,
  ConformanceResponse,
} from "@telehook/testing/conformance";
import { invokeLambda } from "./lambda-runtime.js";

/**
 * The event sources a Lambda HTTP handler meets, each from a recorded event of AWS's documentation
 * (`test/events/*.json`): API Gateway REST APIs (payload 1.0; once more with binary media types `*∕*`,
 * which base64-encodes every body), HTTP APIs (payload 2.0), function URLs, and ALB with and without
 * multi-value headers.
 */
export const EVENT_SHAPES = [
  "rest-api",
  "rest-api-binary",
  "http-api",
  "function-url",
  "alb",
  "alb-multi-value",
] as const;
export type EventShape = (typeof EVENT_SHAPES)[number];

const recorded = (name: string) =>
  JSON.parse(readFileSync(new URL(`./events/${name}.json`, import.meta.url), "utf8")) as Record<
    string,
    unknown
  >;

const TEMPLATES: Record<EventShape, Record<string, unknown>> = {
  "rest-api": recorded("rest-api"),
  "rest-api-binary": recorded("rest-api"),
  "http-api": recorded("http-api"),
  "function-url": recorded("function-url"),
  alb: recorded("alb"),
  "alb-multi-value": recorded("alb-multi-value"),
};

/** Headers every recorded event carries besides the request's own (host, tracing, forwarding). */
const GATEWAY_HEADERS = [
  "host",
  "x-amzn-trace-id",
  "x-forwarded-for",
  "x-forwarded-port",
  "x-forwarded-proto",
];

/**
 * The event `shape`'s source would send for `request`: the method, the headers as that source spells
 * them (REST APIs keep the client's case and list every value; payload 2.0 lower-cases and joins repeats
 * with commas; ALB lower-cases and keeps the last value unless multi-value headers are on), and the body,
 * base64-encoded where that source would encode it.
 */
export function toLambdaEvent(shape: EventShape, request: ConformanceRequest): Record<string, unknown> {
  const event = structuredClone(TEMPLATES[shape]);
  const bytes = bodyBytes(request.body);
  const headers: [string, string][] = [];
  const templateHeaders = (event.headers ?? event.multiValueHeaders) as Record<string, unknown>;
  for (const name of Object.keys(templateHeaders)) {
    if (GATEWAY_HEADERS.includes(name.toLowerCase())) {
      const value = templateHeaders[name];
      headers.push([name, Array.isArray(value) ? String(value[0]) : String(value)]);
    }
  }
  // Telegram spells its headers X-Telegram-Bot-Api-Secret-Token, Content-Type, Content-Length; REST APIs
  // pass that spelling on, so the rest-api shapes do too.
  const spell = shape.startsWith("rest-api") ? capitalized : (name: string) => name;
  for (const [name, value] of Object.entries(request.headers)) headers.push([spell(name), value]);
  if (bytes !== undefined && !Array.isArray(request.body) && !hasHeader(request.headers, "content-length")) {
    headers.push([spell("content-length"), String(bytes.byteLength)]);
  }
  const contentType = request.headers["content-type"] ?? request.headers["Content-Type"] ?? "";
  const base64 =
    bytes !== undefined &&
    (shape === "rest-api-binary" ||
      !isUtf8(bytes) ||
      (shape !== "rest-api" && !/^\s*(text\/|application\/(json|xml|javascript))/i.test(contentType)));
  event.body =
    bytes === undefined
      ? null
      : base64
        ? Buffer.from(bytes).toString("base64")
        : new TextDecoder().decode(bytes);
  event.isBase64Encoded = base64;
  if (shape === "http-api" || shape === "function-url") {
    const joined: Record<string, string> = {};
    for (const [name, value] of headers) {
      const key = name.toLowerCase();
      joined[key] = joined[key] === undefined ? value : `${joined[key]},${value}`;
    }
    event.headers = joined;
    (event.requestContext as { http: { method: string } }).http.method = request.method;
  } else if (shape === "alb") {
    event.headers = Object.fromEntries(headers.map(([name, value]) => [name.toLowerCase(), value]));
    event.httpMethod = request.method;
  } else {
    const multi: Record<string, string[]> = {};
    for (const [name, value] of headers) {
      const key = shape === "alb-multi-value" ? name.toLowerCase() : name;
      multi[key] = [...(multi[key] ?? []), value];
    }
    event.multiValueHeaders = multi;
    if (shape !== "alb-multi-value") {
      event.headers = Object.fromEntries(
        Object.entries(multi).map(([name, values]) => [name, values.at(-1)]),
      );
    }
    event.httpMethod = request.method;
  }
  return event;
}

/**
 * Reads the handler's result as `shape`'s source does. Throws when the result is not one that source
 * accepts (an ALB target group with multi-value headers reads only `multiValueHeaders`; ALB needs a
 * `statusDescription`), so a wrong shape fails the suite instead of passing unseen.
 */
export function fromLambdaResult(shape: EventShape, result: LambdaHttpResult): ConformanceResponse {
  if (typeof result?.statusCode !== "number")
    throw new Error(`not a proxy result: ${JSON.stringify(result)}`);
  const alb = shape === "alb" || shape === "alb-multi-value";
  if (alb && result.statusDescription !== `${result.statusCode} ${statusText(result.statusCode)}`.trim()) {
    throw new Error(`ALB needs a statusDescription, got ${JSON.stringify(result.statusDescription)}`);
  }
  if (shape === "alb-multi-value" ? result.headers !== undefined : result.multiValueHeaders !== undefined) {
    throw new Error(`${shape} got the wrong kind of headers: ${JSON.stringify(result)}`);
  }
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(result.headers ?? {})) headers[name.toLowerCase()] = value;
  for (const [name, values] of Object.entries(result.multiValueHeaders ?? {})) {
    headers[name.toLowerCase()] = values.join(", ");
  }
  const body = result.isBase64Encoded ? Buffer.from(result.body, "base64").toString("utf8") : result.body;
  return { status: result.statusCode, headers, body };
}

/** A conformance harness that sends each request as `shape`'s event through the local Lambda runtime. */
export function lambdaHarness(
  shape: EventShape,
  extra: Partial<LambdaWebhookOptions> = {},
  { timeoutMs = 30_000 }: { timeoutMs?: number } = {},
): ConformanceHarness {
  return {
    async mount(options) {
      const handler = telegramWebhook({ ...options, ...extra });
      return {
        webhook: handler,
        async send(request) {
          const invocation = await invokeLambda(handler, toLambdaEvent(shape, request), { timeoutMs });
          if (invocation.kind === "returned") return fromLambdaResult(shape, invocation.result);
          // What API Gateway answers when the function fails or is stopped.
          return { status: invocation.kind === "failed" ? 502 : 504, headers: {}, body: "" };
        },
        close: async () => {},
      };
    },
  };
}

function bodyBytes(body: ConformanceRequest["body"]): Uint8Array | undefined {
  if (body === undefined) return undefined;
  const parts = (Array.isArray(body) ? body : [body]) as (string | Uint8Array)[];
  return Buffer.concat(parts.map((part) => (typeof part === "string" ? Buffer.from(part) : part)));
}

function capitalized(name: string): string {
  return name.replace(/(^|-)([a-z])/g, (_, dash: string, letter: string) => dash + letter.toUpperCase());
}

function isUtf8(bytes: Uint8Array): boolean {
  try {
    new TextDecoder("utf-8", { fatal: true }).decode(bytes);
    return true;
  } catch {
    return false;
  }
}

function hasHeader(headers: Readonly<Record<string, string>>, name: string): boolean {
  return Object.keys(headers).some((key) => key.toLowerCase() === name);
}

/** The reason phrase ALB would show, from Node's own table (independent of the adapter's copy). */
function statusText(status: number): string {
  return STATUS_CODES[status] ?? "";
}
