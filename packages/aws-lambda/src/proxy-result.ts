import type { WebhookResult } from "@telehook/core";
import type { LambdaEventSource } from "./lambda-event.js";

/**
 * What the handler returns: the proxy result its event's source reads. API Gateway (both payloads) and
 * function URLs read `statusCode`, `headers` and `body`; ALB also needs `statusDescription`, and
 * `multiValueHeaders` instead of `headers` when the target group has multi-value headers turned on.
 * `@types/aws-lambda`'s `APIGatewayProxyResult`, `APIGatewayProxyStructuredResultV2` and `ALBResult`
 * all accept it.
 */
export interface LambdaHttpResult {
  statusCode: number;
  /** ALB only, e.g. `"200 OK"`. */
  statusDescription?: string;
  headers?: Record<string, string>;
  /** ALB with multi-value headers only. */
  multiValueHeaders?: Record<string, string[]>;
  body: string;
  isBase64Encoded: boolean;
}

const REASONS: Readonly<Record<number, string>> = {
  200: "OK",
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  405: "Method Not Allowed",
  408: "Request Timeout",
  409: "Conflict",
  413: "Payload Too Large",
  415: "Unsupported Media Type",
  500: "Internal Server Error",
  503: "Service Unavailable",
};

/**
 * Writes the core's answer in the shape `source` expects, as it is. `Connection: close` is left out:
 * there is no socket here to close, and API Gateway does not let a function set it.
 */
export function toProxyResult(
  source: LambdaEventSource,
  { status, headers, body }: WebhookResult,
): LambdaHttpResult {
  const kept: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) if (name !== "connection") kept[name] = value;
  const result: LambdaHttpResult = { statusCode: status, body, isBase64Encoded: false };
  if (source === "alb" || source === "alb-multi-value") {
    result.statusDescription = `${status} ${REASONS[status] ?? ""}`.trim();
  }
  if (source === "alb-multi-value") {
    result.multiValueHeaders = Object.fromEntries(
      Object.entries(kept).map(([name, value]) => [name, [value]]),
    );
  } else {
    result.headers = kept;
  }
  return result;
}
