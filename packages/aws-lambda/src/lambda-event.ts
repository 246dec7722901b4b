import type { WebhookRequest } from "@telehook/core";

/**
 * The parts of a Lambda HTTP event that telehook reads. It covers every event that carries an HTTP
 * request: API Gateway REST APIs (payload 1.0), HTTP APIs (payload 2.0), function URLs (2.0) and
 * Application Load Balancers (1.0-like, with or without multi-value headers). `@types/aws-lambda`'s
 * `APIGatewayProxyEvent`, `APIGatewayProxyEventV2`, `LambdaFunctionURLEvent` and `ALBEvent` all fit it.
 */
export interface LambdaHttpEvent {
  /** `"2.0"` on HTTP APIs with payload 2.0 and function URLs; `"1.0"` or absent otherwise. */
  readonly version?: string | undefined;
  /** The method on REST APIs and ALB. */
  readonly httpMethod?: string | undefined;
  /** Headers. Lower-case on payload 2.0 and ALB; as the client sent them on REST APIs. */
  readonly headers?: Readonly<Record<string, string | undefined>> | null | undefined;
  /** Every value of every header (REST APIs, and ALB with multi-value headers turned on). */
  readonly multiValueHeaders?: Readonly<Record<string, readonly string[] | undefined>> | null | undefined;
  readonly body?: string | null | undefined;
  readonly isBase64Encoded?: boolean | undefined;
  readonly requestContext?:
    | {
        /** Payload 2.0: the method and the peer's address. */
        readonly http?: { readonly method?: string | undefined; readonly sourceIp?: string | undefined };
        /** REST APIs: the peer's address. */
        readonly identity?: { readonly sourceIp?: string | null | undefined } | null | undefined;
        /** ALB: present on every ALB event. */
        readonly elb?: { readonly targetGroupArn?: string | undefined } | undefined;
      }
    | null
    | undefined;
}

/** Which kind of response the event's source expects. */
export type LambdaEventSource = "payload-v1" | "payload-v2" | "alb" | "alb-multi-value";

/** Tells which source sent the event, so that the answer takes the shape that source reads. */
export function eventSource(event: LambdaHttpEvent): LambdaEventSource {
  if (event.requestContext?.elb) return event.multiValueHeaders ? "alb-multi-value" : "alb";
  if (event.version === "2.0" || event.requestContext?.http) return "payload-v2";
  return "payload-v1";
}

/**
 * Converts a Lambda HTTP event into the core's `WebhookRequest`. Header names are matched without regard
 * to case (REST APIs keep the client's case); every value of a repeated header is kept, joined by `", "`,
 * so two secret headers never match. A base64 body is decoded to its bytes, and the peer address is the
 * one API Gateway saw (`sourceIp`); ALB has none, so behind it the `sourceIp` allowlist needs
 * `trustedProxyHops`.
 */
export function toWebhookRequest(event: LambdaHttpEvent): WebhookRequest {
  const headers = lowerCaseHeaders(event);
  const context = event.requestContext;
  return {
    method: event.httpMethod ?? context?.http?.method ?? "",
    header: (name) => headers.get(name),
    body: bodyOf(event),
    remoteAddress: context?.http?.sourceIp ?? context?.identity?.sourceIp ?? undefined,
  };
}

function lowerCaseHeaders(event: LambdaHttpEvent): Map<string, string> {
  const headers = new Map<string, string>();
  const add = (name: string, value: string) => {
    const key = name.toLowerCase();
    const previous = headers.get(key);
    headers.set(key, previous === undefined ? value : `${previous}, ${value}`);
  };
  if (event.multiValueHeaders) {
    for (const [name, values] of Object.entries(event.multiValueHeaders)) {
      for (const value of values ?? []) add(name, String(value));
    }
  } else if (event.headers) {
    for (const [name, value] of Object.entries(event.headers)) {
      if (value !== undefined && value !== null) add(name, String(value));
    }
  }
  return headers;
}

function bodyOf(event: LambdaHttpEvent): string | Uint8Array {
  const body = event.body ?? "";
  if (!event.isBase64Encoded) return body;
  const bytes = Buffer.from(body, "base64");
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
