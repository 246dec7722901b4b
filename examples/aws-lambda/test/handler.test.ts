import { EXAMPLE_BOT_INFO, EXAMPLE_SECRET, recordBotApiCalls, textUpdate } from "@telehook/example-support";
import type { APIGatewayProxyResultV2, LambdaFunctionURLEvent } from "aws-lambda";
import { expect, test } from "vitest";
import { createHandler } from "../src/app.js";
import { createBot } from "../src/bot.js";

/** The function with its Bot API calls recorded, never sent to Telegram. */
function start() {
  const bot = createBot("123456:example-token", { botInfo: EXAMPLE_BOT_INFO });
  const calls = recordBotApiCalls(bot);
  return { handler: createHandler({ bot, secretToken: EXAMPLE_SECRET }), calls };
}

/** A function URL event as Lambda delivers it (JSON, lower-case headers), with this body and secret. */
function functionUrlEvent(body: unknown, secret?: string): LambdaFunctionURLEvent {
  const headers: Record<string, string> = {
    "content-type": "application/json",
    host: "abc.lambda-url.eu-west-1.on.aws",
  };
  if (secret) headers["x-telegram-bot-api-secret-token"] = secret;
  const event = {
    version: "2.0",
    routeKey: "$default",
    rawPath: "/",
    rawQueryString: "",
    headers,
    requestContext: {
      accountId: "anonymous",
      apiId: "abc",
      domainName: "abc.lambda-url.eu-west-1.on.aws",
      domainPrefix: "abc",
      http: { method: "POST", path: "/", protocol: "HTTP/1.1", sourceIp: "149.154.167.220", userAgent: "" },
      requestId: "id",
      routeKey: "$default",
      stage: "$default",
      time: "04/Mar/2026:19:03:58 +0000",
      timeEpoch: 1772651038000,
    },
    body: JSON.stringify(body),
    isBase64Encoded: false,
  };
  return JSON.parse(JSON.stringify(event));
}

/** Invokes the handler as the runtime does: the event, a context counting down 30 s, the awaited result. */
async function invoke(handler: ReturnType<typeof start>["handler"], event: LambdaFunctionURLEvent) {
  const startedAt = Date.now();
  const result: APIGatewayProxyResultV2 = await handler(event, {
    getRemainingTimeInMillis: () => 30_000 - (Date.now() - startedAt),
  });
  return JSON.parse(JSON.stringify(result));
}

test("an update sent with the secret reaches the grammY bot, which has replied by the time the function answers", async () => {
  const { handler, calls } = start();
  const result = await invoke(handler, functionUrlEvent(textUpdate("hello there"), EXAMPLE_SECRET));
  expect(result.statusCode).toBe(200);
  expect(calls).toEqual([
    { method: "sendMessage", payload: expect.objectContaining({ chat_id: 42, text: "hello there" }) },
  ]);
});

test("an update without the secret is refused and the bot never runs", async () => {
  const { handler, calls } = start();
  const result = await invoke(handler, functionUrlEvent(textUpdate("hello")));
  expect(result.statusCode).toBe(401);
  expect(calls).toEqual([]);
});
