import { connect as connectHttp2, createServer as createHttp2Server } from "node:http2";
import type { AddressInfo } from "node:net";
import { type NodeWebhookOptions, TelehookError, telegramWebhook } from "@telehook/node";
import { recordUpdates } from "@telehook/testing";
import {
  CONFORMANCE_SECRET,
  sampleUpdate,
  sendOverHttp,
  telegramHeaders,
} from "@telehook/testing/conformance";
import bodyParser from "body-parser";
import connect from "connect";
import { describe, expect, test } from "vitest";
import { listen } from "./servers.js";

/** The webhook on /bot, recording the updates it hands over. */
const recorder = (options: Partial<NodeWebhookOptions> = {}) =>
  recordUpdates(telegramWebhook, { path: "/bot", ...options });

const post = (url: string, id: number, body = JSON.stringify(sampleUpdate(id))) =>
  sendOverHttp(url, { method: "POST", headers: telegramHeaders(), body });

describe("paths", () => {
  test("http.createServer: the path, with a slash or a query, is answered; other paths get 404", async () => {
    const { webhook, updates } = recorder();
    const server = await listen(webhook, webhook, "");
    try {
      const answers = await Promise.all([
        post(`${server.url}/bot`, 1),
        post(`${server.url}/bot/`, 2),
        post(`${server.url}/bot?x=1`, 3),
        post(`${server.url}/other`, 4),
        post(`${server.url}/bot/deeper`, 5),
      ]);
      expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200, 404, 404]);
      expect(updates.sort()).toEqual([1, 2, 3]);
    } finally {
      await server.close();
    }
  });

  test("connect: other paths go to next()", async () => {
    const { webhook, updates } = recorder();
    const app = connect()
      .use(webhook)
      .use((_req, res) => res.end("the app"));
    const server = await listen(app, webhook, "");
    try {
      const [hook, other] = [await post(`${server.url}/bot`, 1), await post(`${server.url}/api`, 2)];
      expect([hook.status, other.body]).toEqual([200, "the app"]);
      expect(updates).toEqual([1]);
    } finally {
      await server.close();
    }
  });

  test("a path that does not start with / is refused at construction", () => {
    expect(() => recorder({ path: "bot" })).toThrow(TelehookError);
  });
});

describe("body parsers under connect", () => {
  test("body-parser's JSON parser first: the update is delivered, and {} is 400 invalid_update", async () => {
    const { webhook, updates } = recorder();
    const server = await listen(connect().use(bodyParser.json()).use(webhook), webhook);
    try {
      const delivered = await post(server.url, 7);
      const empty = await post(server.url, 0, "{}");
      expect([delivered.status, empty.status, JSON.parse(empty.body).error]).toEqual([
        200,
        400,
        "invalid_update",
      ]);
      expect(updates).toEqual([7]);
    } finally {
      await server.close();
    }
  });
});

describe("http2's compatibility API", () => {
  test("an update is delivered, and a refusal is answered without a Connection header", async () => {
    const { webhook, updates } = recorder();
    const warnings: string[] = [];
    const onWarning = (warning: Error) => void warnings.push(warning.message);
    process.on("warning", onWarning);
    const server = createHttp2Server(webhook).listen(0, "127.0.0.1");
    await new Promise((resolve) => server.once("listening", resolve));
    const client = connectHttp2(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    const send = (secret: string, id: number) =>
      new Promise<[number, string]>((resolve, reject) => {
        const stream = client.request({ ":method": "POST", ":path": "/bot", ...telegramHeaders(secret) });
        let status = 0;
        let body = "";
        stream.on("response", (headers) => {
          status = Number(headers[":status"]);
        });
        stream.on("data", (chunk: Buffer) => {
          body += chunk.toString();
        });
        stream.on("end", () => resolve([status, body]));
        stream.on("error", reject);
        stream.end(JSON.stringify(sampleUpdate(id)));
      });
    try {
      const delivered = await send(CONFORMANCE_SECRET, 1);
      const refused = await send("wrong", 2);
      expect([delivered[0], refused[0], JSON.parse(refused[1]).error]).toEqual([
        200,
        401,
        "secret_token_invalid",
      ]);
      expect(updates).toEqual([1]);
      await new Promise((resolve) => setImmediate(resolve));
      expect(warnings.filter((warning) => /connection header/i.test(warning))).toEqual([]);
    } finally {
      process.off("warning", onWarning);
      client.close();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  test("a body sent in full but whose stream is held open gets 408 body_timeout", async () => {
    // HTTP/2 ends a request body only at the client's end of stream, even once the declared length has
    // come: the body's clock must run, where HTTP/1's parser would have ended the body by itself.
    const { webhook, updates } = recorder({ bodyTimeoutMs: 200 });
    const server = createHttp2Server(webhook).listen(0, "127.0.0.1");
    await new Promise((resolve) => server.once("listening", resolve));
    const client = connectHttp2(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    const body = JSON.stringify(sampleUpdate(1));
    try {
      const [status, answer] = await new Promise<[number, string]>((resolve, reject) => {
        const stream = client.request({
          ":method": "POST",
          ":path": "/bot",
          ...telegramHeaders(CONFORMANCE_SECRET),
          "content-length": String(Buffer.byteLength(body)),
        });
        let code = 0;
        let text = "";
        stream.on("response", (headers) => {
          code = Number(headers[":status"]);
        });
        stream.on("data", (chunk: Buffer) => {
          text += chunk.toString();
        });
        stream.on("end", () => resolve([code, text]));
        stream.on("error", reject);
        stream.write(body);
      });
      expect([status, JSON.parse(answer).error]).toEqual([408, "body_timeout"]);
      expect(updates).toEqual([]);
    } finally {
      client.destroy();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
