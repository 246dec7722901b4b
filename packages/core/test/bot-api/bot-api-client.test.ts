import { createBotApi, TelegramApiError, TelehookError } from "@telehook/core";
import { afterEach, describe, expect, test } from "vitest";
import { closedPort, expectNothingLeaks, loopbackServer, reply } from "./loopback-server.js";

const TOKEN = "987654321:AAClientTestTokenThatMustNeverLeak_x";
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

async function server(respond: Parameters<typeof loopbackServer>[0]) {
  const started = await loopbackServer(respond);
  cleanups.push(started.close);
  return started;
}

async function rejection(promise: Promise<unknown>): Promise<TelehookError> {
  const error = await promise.then(
    () => {
      throw new Error("expected a rejection");
    },
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(TelehookError);
  return error as TelehookError;
}

describe("createBotApi", () => {
  test("posts JSON to /bot<token>/<method> and resolves with the result", async () => {
    const bot = await server((_, res) =>
      reply(res, 200, { ok: true, result: { id: 1, is_bot: true, first_name: "B" } }),
    );
    const api = createBotApi({ token: TOKEN, apiRoot: `${bot.apiRoot}/` });
    expect(api.apiRoot).toBe(bot.apiRoot);
    expect(await api.getMe()).toMatchObject({ id: 1, is_bot: true });
    await api.deleteWebhook();
    await api.call("setWebhook", { url: "https://x.example/", max_connections: 5, secret_token: undefined });
    expect(bot.requests.map((r) => [r.method, r.path, r.contentType])).toEqual([
      ["POST", `/bot${TOKEN}/getMe`, "application/json"],
      ["POST", `/bot${TOKEN}/deleteWebhook`, "application/json"],
      ["POST", `/bot${TOKEN}/setWebhook`, "application/json"],
    ]);
    expect(JSON.parse(bot.requests[1]?.body ?? "")).toEqual({});
    expect(JSON.parse(bot.requests[2]?.body ?? "")).toEqual({
      url: "https://x.example/",
      max_connections: 5,
    });
  });

  test("uploads a certificate as multipart, with arrays JSON-encoded", async () => {
    const bot = await server((_, res) => reply(res, 200, { ok: true, result: true }));
    const api = createBotApi({ token: TOKEN, apiRoot: bot.apiRoot });
    const pem = new TextEncoder().encode("-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n");
    await api.setWebhook({
      url: "https://x.example/",
      certificate: pem,
      allowed_updates: ["message"],
      max_connections: 3,
    });
    const [request] = bot.requests;
    expect(request?.contentType).toMatch(/^multipart\/form-data; boundary=/);
    expect(request?.body).toMatch(
      /name="certificate"; filename="certificate.pem"\r\n[\s\S]*BEGIN CERTIFICATE/,
    );
    expect(request?.body).toMatch(/name="allowed_updates"\r\n\r\n\["message"\]\r\n/);
    expect(request?.body).toMatch(/name="max_connections"\r\n\r\n3\r\n/);
  });

  test("an ok:false reply becomes a TelegramApiError with all its details", async () => {
    const bot = await server((request, res) => {
      if (request.path.endsWith("/setWebhook")) {
        reply(
          res,
          429,
          {
            ok: false,
            error_code: 429,
            description: "Too Many Requests: retry after 1",
            parameters: { retry_after: 1 },
          },
          { "retry-after": "1" },
        );
      } else {
        reply(res, 400, {
          ok: false,
          error_code: 400,
          description: "Bad Request: group chat was upgraded to a supergroup chat",
          parameters: { migrate_to_chat_id: -1001234 },
        });
      }
    });
    const api = createBotApi({ token: TOKEN, apiRoot: bot.apiRoot });
    const tooMany = await rejection(api.setWebhook({ url: "https://x.example/" }));
    expect(tooMany).toBeInstanceOf(TelegramApiError);
    expect(tooMany).toMatchObject({
      code: "telegram_api_error",
      method: "setWebhook",
      errorCode: 429,
      retryAfter: 1,
      description: "Too Many Requests: retry after 1",
    });
    expect(tooMany.message).toBe(
      "@telehook/core: Telegram answered setWebhook with 429: Too Many Requests: retry after 1" +
        " (see https://github.com/telehook/telehook/blob/main/docs/errors/telegram_api_error.md)",
    );
    expect(tooMany.detail).toBe("Telegram answered setWebhook with 429: Too Many Requests: retry after 1");
    const migrated = await rejection(api.call("sendMessage", { chat_id: 1, text: "hi" }));
    expect(migrated).toMatchObject({ errorCode: 400, migrateToChatId: -1001234, retryAfter: undefined });
    expectNothingLeaks(tooMany, TOKEN);
  });

  test("a reply that is not a Bot API reply is a bot_api_request_failed error", async () => {
    const bot = await server((_, res) => {
      res.writeHead(502, { "content-type": "text/html" });
      res.end("<html>Bad gateway</html>");
    });
    const error = await rejection(createBotApi({ token: TOKEN, apiRoot: bot.apiRoot }).getMe());
    expect(error.code).toBe("bot_api_request_failed");
    expect(error.message).toMatch(/getMe failed: the server answered HTTP 502 with a body that is not JSON/);
  });

  test("a server that does not answer times out within timeoutMs", async () => {
    const bot = await server(() => {}); // never answers
    const started = Date.now();
    const error = await rejection(
      createBotApi({ token: TOKEN, apiRoot: bot.apiRoot, timeoutMs: 200 }).getWebhookInfo(),
    );
    expect(Date.now() - started).toBeLessThan(2000);
    expect(error.code).toBe("bot_api_request_failed");
    expect(error.message).toMatch(/did not answer within 200 ms/);
  });

  test("an aborted signal rejects with code aborted", async () => {
    const bot = await server(() => {});
    const controller = new AbortController();
    const pending = createBotApi({ token: TOKEN, apiRoot: bot.apiRoot }).getMe({ signal: controller.signal });
    setTimeout(() => controller.abort(), 50);
    expect((await rejection(pending)).code).toBe("aborted");
  });

  test("a closed port is a clean network error without the token", async () => {
    const port = await closedPort();
    const error = await rejection(
      createBotApi({ token: TOKEN, apiRoot: `http://127.0.0.1:${port}` }).getMe(),
    );
    expect(error.code).toBe("bot_api_request_failed");
    expect(error.message).toMatch(
      new RegExp(`could not reach the Bot API server http://127.0.0.1:${port} \\(.*ECONNREFUSED`),
    );
    expect(error.cause).toBeUndefined();
    expectNothingLeaks(error, TOKEN);
  });

  test("a fetch failure that carries the URL is sanitized", async () => {
    const leakyFetch: typeof fetch = async (input) => {
      throw new TypeError(`Failed to parse URL from ${String(input)}`, {
        cause: Object.assign(new Error(`connect to ${String(input)} failed`), { code: "EWEIRD" }),
      });
    };
    const error = await rejection(createBotApi({ token: TOKEN, fetch: leakyFetch }).getMe());
    expect(error.message).toContain("<bot-token>");
    expect(error.message).toContain("EWEIRD");
    expectNothingLeaks(error, TOKEN);
  });

  test("a bad token or apiRoot throws at once, without repeating the token", () => {
    expect(() => createBotApi({ token: "" })).toThrow(/token is missing/);
    const spaced = "123:has a space in it";
    try {
      createBotApi({ token: spaced });
      expect.unreachable();
    } catch (error) {
      expect((error as TelehookError).code).toBe("invalid_options");
      expectNothingLeaks(error, spaced);
    }
    expect(() => createBotApi({ token: TOKEN, apiRoot: "ftp://x" })).toThrow(/https:\/\/ or http:\/\//);
    expect(() => createBotApi({ token: TOKEN, apiRoot: `https://api.telegram.org/bot${TOKEN}/` })).toThrow(
      /\/bot<token>/,
    );
    expect(() => createBotApi({ token: TOKEN, timeoutMs: 0 })).toThrow(/timeoutMs/);
  });

  test("the client object does not expose the token", () => {
    const api = createBotApi({ token: TOKEN });
    expect(JSON.stringify(api)).not.toContain(TOKEN);
    expect(Object.values(api)).not.toContain(TOKEN);
  });
});
