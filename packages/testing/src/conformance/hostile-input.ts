import type { Update } from "@telehook/core";
import fc from "fast-check";
import { CONFORMANCE_SECRET } from "./fixtures.js";
import type { ConformanceRequest } from "./harness.js";

/** The status the pipeline must give a request, worked out independently of the code under test. */
export function expectedStatus(request: ConformanceRequest, limit: number): number {
  const header = (name: string) =>
    Object.entries(request.headers).find(([key]) => key.toLowerCase() === name)?.[1];
  if (request.method !== "POST") return 405;
  if (header("x-telegram-bot-api-secret-token") !== CONFORMANCE_SECRET) return 401;
  const type = header("content-type");
  if (type?.split(";")[0]?.trim().toLowerCase() !== "application/json") return 415;
  const body = typeof request.body === "string" ? request.body : "";
  if (new TextEncoder().encode(body).byteLength > limit) return 413;
  return isUpdate(body) ? 200 : 400;
}

function isUpdate(body: string): boolean {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    return false;
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  const id = (value as Partial<Update>).update_id;
  if (!Number.isSafeInteger(id) || (id as number) < 0) return false;
  if (hasOwnProtoKey(value)) return false;
  return Object.keys(value).some((key) => key !== "update_id");
}

/** Whether any object in parsed JSON has an own `__proto__` key, however the text spelled it. */
function hasOwnProtoKey(value: unknown): boolean {
  if (typeof value !== "object" || value === null) return false;
  if (Object.hasOwn(value, "__proto__")) return true;
  return Object.values(value).some(hasOwnProtoKey);
}

const secretHeader = fc.oneof(
  fc.constant(undefined),
  fc.constant(CONFORMANCE_SECRET),
  fc.string({ unit: fc.constantFrom(..."abcXYZ019_-"), maxLength: 40 }),
  fc.constant(`${CONFORMANCE_SECRET.slice(0, -1)}x`),
);

const contentType = fc.oneof(
  fc.constant(undefined),
  fc.constantFrom(
    "application/json",
    "application/json; charset=utf-8",
    "APPLICATION/JSON",
    "text/plain",
    "application/xml",
  ),
  fc.string({ unit: fc.constantFrom(..."abcdefghijklmnopqrstuvwxyz/;=+-"), maxLength: 30 }),
);

const body = fc.oneof(
  fc.string({ maxLength: 200 }),
  fc.json({ maxDepth: 4 }),
  fc
    .record({
      update_id: fc.oneof(fc.integer(), fc.double(), fc.string()),
      message: fc.object({ maxDepth: 2 }),
    })
    .map((value) => JSON.stringify(value)),
  fc.string({ minLength: 5000, maxLength: 6000 }),
);

/** Random requests: any method, any or no secret, any content type, any body. */
export const arbitraryRequest: fc.Arbitrary<ConformanceRequest> = fc
  .record({
    method: fc.constantFrom("GET", "PUT", "DELETE", "PATCH", "POST", "POST", "POST"),
    secret: secretHeader,
    contentType,
    body,
  })
  .map(({ method, secret, contentType: type, body: text }) => {
    const headers: Record<string, string> = {};
    if (secret !== undefined) headers["x-telegram-bot-api-secret-token"] = secret;
    if (type !== undefined) headers["content-type"] = type;
    const withBody = method !== "GET" && method !== "DELETE";
    return { method, headers, body: withBody ? text : undefined };
  });
