import { telegramWebhook as lambdaWebhook } from "@telehook/aws-lambda";
import { createWebhookHandler, TelehookError } from "@telehook/core";
import { telegramWebhook as nodeWebhook } from "@telehook/node";
import { openTelemetry } from "@telehook/opentelemetry";
import { createRedisStore } from "@telehook/redis";
import { createScaledClock } from "@telehook/testing";
import { describe, expect, test } from "vitest";

const base = { secretToken: "option_errors_secret", onUpdate: () => {} };

/** What a wrong option throws: the package that checked it, in a TelehookError a caller can tell apart. */
function thrownBy(make: () => unknown): { isTelehookError: boolean; code?: string; message: string } {
  try {
    make();
  } catch (error) {
    return {
      isTelehookError: error instanceof TelehookError,
      code: (error as { code?: string }).code,
      message: String((error as Error).message).split(":")[0] ?? "",
    };
  }
  throw new Error("nothing was thrown");
}

describe("a wrong option is a TelehookError invalid_options that names the package which checked it", () => {
  const cases: [string, () => unknown][] = [
    ["@telehook/core", () => createWebhookHandler({ ...base, deadlineMs: -1 })],
    ["@telehook/node", () => nodeWebhook({ ...base, path: "bot" })],
    ["@telehook/aws-lambda", () => lambdaWebhook({ ...base, marginMs: -1 })],
    ["@telehook/redis", () => createRedisStore({ client: {} as never, prefix: 1 as never })],
    ["@telehook/opentelemetry", () => openTelemetry({ maxOpenSpans: 0 })],
    ["@telehook/testing", () => createScaledClock(0)],
  ];
  test.each(cases)("%s", (name, make) => {
    expect(thrownBy(make)).toEqual({ isTelehookError: true, code: "invalid_options", message: name });
  });
});
