import type { Socket } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import {
  createTelegramEmulator,
  type DeliveryRecord,
  type TelegramEmulator,
  updates,
} from "../../src/emulator/index.js";
import {
  type RawWebhook,
  type Receiver,
  setWebhook,
  sleep,
  startRawWebhook,
  startReceiver,
} from "./helpers.js";

let emulator: TelegramEmulator;
let receiver: Receiver | undefined;
let raw: RawWebhook | undefined;

afterEach(async () => {
  await emulator.close();
  await receiver?.close();
  receiver = undefined;
  await raw?.close();
  raw = undefined;
});

async function until(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > timeoutMs) throw new Error("condition not met in time");
    await sleep(2);
  }
}

/** Waits between one attempt's end and the next one's start, in emulated ms. */
function gaps(records: readonly DeliveryRecord[]): number[] {
  return records
    .slice(1)
    .map((record, index) => record.startedAt - (records[index] as DeliveryRecord).finishedAt);
}

/** A raw TCP webhook whose behaviour per connection-level request is scripted. */
async function rawWebhook(onRequest: (socket: Socket, index: number) => void): Promise<number> {
  let index = 0;
  raw = await startRawWebhook((socket) => {
    socket.on("data", (chunk) => {
      if (chunk.includes("\r\n\r\n")) onRequest(socket, index++);
    });
  });
  return raw.port;
}

describe("backoff", () => {
  it("retries at once, then after 2, 4, 8, 16, 32 and min(64, random 60–120) seconds", async () => {
    emulator = await createTelegramEmulator({ timeScale: 0.004, random: () => 0, firstUpdateId: 1 });
    receiver = await startReceiver((_request, response) => {
      const failing = receiver !== undefined && receiver.requests.length <= 7;
      response.writeHead(failing ? 500 : 200, failing ? "Internal Server Error" : "OK").end();
    });
    await setWebhook(emulator, { url: receiver.url });
    emulator.sendUpdate(updates.message());
    await emulator.waitForIdle({ timeoutMs: 10_000 });
    const records = emulator.deliveries;
    expect(records.map((record) => record.outcome)).toEqual([...Array(7).fill("failed"), "delivered"]);
    expect(records.map((record) => record.attempt)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(records.slice(0, 7).map((record) => record.retryInMs)).toEqual([
      0, 2000, 4000, 8000, 16000, 32000, 60000,
    ]);
    const waited = gaps(records);
    waited.forEach((gap, index) => {
      const planned = records[index]?.retryInMs ?? 0;
      expect(gap).toBeGreaterThanOrEqual(planned - 5);
      expect(gap).toBeLessThan(planned + 12_000);
    });
    expect(records[0]?.error).toBe("Wrong response from the webhook: 500 Internal Server Error");
  });

  it("honours Retry-After without advancing the backoff, and clamps it to 3600 s", async () => {
    emulator = await createTelegramEmulator({ timeScale: 0.002 });
    const script: Array<[number, string | undefined]> = [
      [429, "5"],
      [500, undefined],
      [503, "3"],
      [500, "soon"],
      [429, "99999"],
    ];
    receiver = await startReceiver((_request, response) => {
      const step = script[(receiver?.requests.length ?? 1) - 1];
      if (step === undefined) return void response.writeHead(200).end();
      const headers: Record<string, string> = step[1] === undefined ? {} : { "Retry-After": step[1] };
      response.writeHead(step[0], headers).end();
    });
    await setWebhook(emulator, { url: receiver.url });
    emulator.sendUpdate(updates.message());
    await until(() => emulator.deliveries.length >= 5);
    const records = emulator.deliveries.slice(0, 5);
    expect(records.map((record) => record.retryAfter)).toEqual([5, undefined, 3, undefined, 3600]);
    expect(records.map((record) => record.retryInMs)).toEqual([5000, 2000, 3000, 4000, 3_600_000]);
    const waited = gaps(records);
    expect(waited[0]).toBeGreaterThanOrEqual(4995);
    expect(waited[2]).toBeGreaterThanOrEqual(2995);
    expect(records[0]?.error).toBe("Wrong response from the webhook: 429 Too Many Requests");
  });
});

describe("deadline", () => {
  it("cuts a request after 60 s with 'Read timeout expired' and resends at once while the first still runs", async () => {
    emulator = await createTelegramEmulator({ timeScale: 0.005 });
    let firstFinishedAt = Number.POSITIVE_INFINITY;
    receiver = await startReceiver(async (_request, response) => {
      if (receiver?.requests.length === 1) {
        await sleep(emulator.clock.toRealMs(70_000));
        firstFinishedAt = performance.now();
      }
      response.writeHead(200).end();
    });
    await setWebhook(emulator, { url: receiver.url });
    const update = emulator.sendUpdate(updates.message());
    await emulator.waitForIdle();
    expect(receiver.requests.map((request) => request.updateId)).toEqual([
      update.update_id,
      update.update_id,
    ]);
    expect(receiver.requests[1]?.at).toBeLessThan(firstFinishedAt);
    const [first, second] = emulator.deliveries;
    expect(first).toMatchObject({
      outcome: "failed",
      attempt: 1,
      error: "Read timeout expired",
      retryInMs: 0,
    });
    expect(second).toMatchObject({ outcome: "delivered", attempt: 2 });
    const took = (first?.finishedAt ?? 0) - (first?.startedAt ?? 0);
    expect(took).toBeGreaterThanOrEqual(59_000);
    expect(took).toBeLessThan(69_000);
    expect(emulator.webhookInfo().last_error_message).toBe("Read timeout expired");
  });
});

describe("expiry", () => {
  it("drops an inline query when the next retry would come after its 30 s lifetime", async () => {
    // 30 s are 300 ms here: a loopback round trip slowed by a busy machine stays a small part of the
    // scaled backoff (at 0.002, 5 ms of load counted as 2.5 s and cost an attempt).
    emulator = await createTelegramEmulator({ timeScale: 0.01 });
    receiver = await startReceiver((_request, response) => void response.writeHead(500).end());
    await setWebhook(emulator, { url: receiver.url });
    emulator.sendUpdate(updates.inlineQuery({ query: "cats" }));
    await emulator.waitForIdle({ timeoutMs: 5000 });
    const records = emulator.deliveries;
    const attempts = records.filter((record) => record.outcome === "failed");
    expect(attempts.length).toBeGreaterThanOrEqual(4);
    expect(attempts.length).toBeLessThanOrEqual(6);
    expect(records.at(-1)).toMatchObject({
      outcome: "dropped",
      dropReason: "expired",
      attempt: attempts.length,
    });
    const lifetime = (records.at(-1)?.finishedAt ?? 0) - (records[0]?.startedAt ?? 0);
    expect(lifetime).toBeLessThanOrEqual(31_000);
    expect(emulator.webhookInfo().pending_update_count).toBe(0);
  });

  it("never queues a message older than 24 hours", async () => {
    emulator = await createTelegramEmulator();
    emulator.sendUpdate(updates.message({ date: Math.floor(Date.now() / 1000) - 86_401 }));
    expect(emulator.webhookInfo().pending_update_count).toBe(0);
    expect(emulator.deliveries[0]).toMatchObject({ outcome: "dropped", dropReason: "expired", attempt: 0 });
  });

  it("never queues an update over 512 KiB and gives it no update_id", async () => {
    emulator = await createTelegramEmulator({ firstUpdateId: 40 });
    const big = emulator.sendUpdate(updates.message({ text: "x".repeat(513 * 1024) }));
    expect(big.update_id).toBe(0);
    expect(emulator.deliveries[0]).toMatchObject({ outcome: "dropped", dropReason: "too_big" });
    expect(emulator.sendUpdate(updates.message()).update_id).toBe(40);
  });
});

describe("transport errors", () => {
  it("records 'Connection refused' and retries", async () => {
    emulator = await createTelegramEmulator({ timeScale: 0.001 });
    const port = await rawWebhook(() => {});
    await raw?.close();
    await setWebhook(emulator, { url: `http://127.0.0.1:${port}/` });
    emulator.sendUpdate(updates.message());
    await until(() => emulator.deliveries.length >= 3);
    expect(emulator.deliveries.slice(0, 3).map((record) => [record.error, record.retryInMs])).toEqual([
      ["Connection refused", 0],
      ["Connection refused", 2000],
      ["Connection refused", 4000],
    ]);
    expect(emulator.webhookInfo().last_error_message).toBe("Connection refused");
  });

  it("records 'Connection reset by peer' for a reset", async () => {
    emulator = await createTelegramEmulator({ timeScale: 0.001 });
    const port = await rawWebhook((socket, index) => {
      if (index === 0) socket.resetAndDestroy();
      else socket.write("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
    });
    await setWebhook(emulator, { url: `http://127.0.0.1:${port}/` });
    emulator.sendUpdate(updates.message());
    await emulator.waitForIdle();
    expect(emulator.deliveries.map((record) => record.error ?? "ok")).toEqual([
      "Connection reset by peer",
      "ok",
    ]);
  });

  it("retries a peer that closes without answering, recording no error", async () => {
    emulator = await createTelegramEmulator({ timeScale: 0.001 });
    const port = await rawWebhook((socket, index) => {
      if (index < 2) socket.end();
      else socket.write("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
    });
    await setWebhook(emulator, { url: `http://127.0.0.1:${port}/` });
    emulator.sendUpdate(updates.message());
    await emulator.waitForIdle();
    expect(emulator.deliveries.map((record) => record.outcome)).toEqual(["failed", "failed", "delivered"]);
    expect(emulator.deliveries[0]?.error).toBe("");
    expect(emulator.webhookInfo().last_error_message).toBeUndefined();
  });

  it("fails a response that is not HTTP/1.x or uses an unsupported encoding", async () => {
    emulator = await createTelegramEmulator({ timeScale: 0.001 });
    const port = await rawWebhook((socket, index) => {
      if (index === 0) socket.end("HTTP/2 200 OK\r\nContent-Length: 0\r\n\r\n");
      else if (index === 1)
        socket.write("HTTP/1.1 200 OK\r\nContent-Encoding: br\r\nContent-Length: 0\r\n\r\n");
      else if (index === 2) socket.write("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n");
      else socket.write("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
    });
    await setWebhook(emulator, { url: `http://127.0.0.1:${port}/` });
    emulator.sendUpdate(updates.message());
    await emulator.waitForIdle();
    expect(emulator.deliveries.map((record) => record.error ?? "ok")).toEqual([
      "HTTP Version Not Supported",
      "Unsupported Media Type: unsupported content-encoding",
      "Unimplemented: unsupported transfer-encoding",
      "ok",
    ]);
  });
});

describe("410 Gone", () => {
  it("deletes the webhook after 23 hours of 410 answers and keeps the update for getUpdates", async () => {
    emulator = await createTelegramEmulator({ timeScale: 0.00002, deadlineMs: 3_600_000 });
    receiver = await startReceiver((_request, response) => void response.writeHead(410, "Gone").end());
    await setWebhook(emulator, { url: receiver.url });
    emulator.sendUpdate(updates.message());
    await until(() => emulator.webhookInfo().url === "", 8000);
    const records = emulator.deliveries;
    expect(records.every((record) => record.status === 410)).toBe(true);
    const span = (records.at(-1)?.finishedAt ?? 0) - (records[0]?.finishedAt ?? 0);
    expect(span).toBeGreaterThan(23 * 3_600_000);
    expect(emulator.webhookInfo()).toEqual({
      url: "",
      has_custom_certificate: false,
      pending_update_count: 1,
    });
  });
});
