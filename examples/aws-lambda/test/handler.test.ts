import type { APIGatewayProxyResultV2, LambdaFunctionURLEvent } from "aws-lambda";
import type { UserFromGetMe } from "grammy/types";
import { expect, test } from "vitest";
import { createHandler } from "../src/app.js";
import { createBot } from "../src/bot.js";

const SECRET = "example_secret-0123";
const BOT_INFO: UserFromGetMe = {
  id: 1,
  is_bot: true,
  first_name: "Echo",
  username: "echo_example_bot",
  can_join_groups: true,
  can_read_all_group_messages: false,
  supports_inline_queries: false,
  can_connect_to_business: false,
  has_main_web_app: false,
  has_topics_enabled: false,
  allows_users_to_create_topics: false,
  can_manage_bots: false,
  supports_join_request_queries: false,
};

/** The function with its Bot API calls recorded, never sent to Telegram. */
function start() {
  const calls: { method: string; payload: unknown }[] = [];
  const bot = createBot("123456:example-token", { botInfo: BOT_INFO });
  bot.api.config.use(async (_prev, method, payload) => {
    calls.push({ method, payload });
    return { ok: true, result: true } as never;
  });
  return { handler: createHandler({ bot, secretToken: SECRET }), calls };
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

const textUpdate = (text: string) => ({
  update_id: 1,
  message: {
    message_id: 1,
    date: 1_767_225_600,
    chat: { id: 42, type: "private", first_name: "Ada" },
    from: { id: 42, is_bot: false, first_name: "Ada" },
    text,
  },
});

test("an update sent with the secret reaches the grammY bot, which has replied by the time the function answers", async () => {
  const { handler, calls } = start();
  const result = await invoke(handler, functionUrlEvent(textUpdate("hello there"), SECRET));
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
