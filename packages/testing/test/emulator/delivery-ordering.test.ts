import { afterEach, describe, expect, it } from "vitest";
import { createTelegramEmulator, type TelegramEmulator, updates } from "../../src/emulator/index.js";
import { type Receiver, setWebhook, sleep, startReceiver } from "./helpers.js";

let emulator: TelegramEmulator;
let receiver: Receiver;

afterEach(async () => {
  await emulator.close();
  await receiver.close();
});

function chatOf(body: string): number {
  return Number(/"chat":\{"id":(-?\d+)/.exec(body)?.[1]);
}

describe("ordering and concurrency", () => {
  it("never overlaps two updates of one chat, keeps their order, and runs different chats in parallel", async () => {
    emulator = await createTelegramEmulator({ firstUpdateId: 1 });
    const activePerChat = new Map<number, number>();
    let maxPerChat = 0;
    let active = 0;
    let maxActive = 0;
    receiver = await startReceiver(async (request, response) => {
      const chat = chatOf(request.body);
      activePerChat.set(chat, (activePerChat.get(chat) ?? 0) + 1);
      maxPerChat = Math.max(maxPerChat, activePerChat.get(chat) ?? 0);
      maxActive = Math.max(maxActive, ++active);
      await sleep(15);
      active--;
      activePerChat.set(chat, (activePerChat.get(chat) ?? 0) - 1);
      response.writeHead(200).end();
    });
    await setWebhook(emulator, { url: receiver.url, max_connections: 10 });
    const sent = [];
    for (let i = 0; i < 5; i++) {
      for (const chatId of [11, 22, 33])
        sent.push(emulator.sendUpdate(updates.message({ chatId, text: `${i}` })));
    }
    await emulator.waitForIdle();
    expect(receiver.requests).toHaveLength(15);
    expect(maxPerChat).toBe(1);
    expect(maxActive).toBe(3);
    for (const chatId of [11, 22, 33]) {
      const ids = receiver.requests.filter((r) => chatOf(r.body) === chatId).map((r) => r.updateId);
      expect(ids).toEqual([...ids].sort((a, b) => a - b));
      expect(ids).toHaveLength(5);
    }
  });

  it("keeps at most max_connections requests in flight", async () => {
    emulator = await createTelegramEmulator();
    let active = 0;
    let maxActive = 0;
    receiver = await startReceiver(async (_request, response) => {
      maxActive = Math.max(maxActive, ++active);
      await sleep(20);
      active--;
      response.writeHead(200).end();
    });
    await setWebhook(emulator, { url: receiver.url, max_connections: 3 });
    for (let chatId = 1; chatId <= 12; chatId++) emulator.sendUpdate(updates.message({ chatId }));
    await emulator.waitForIdle();
    expect(receiver.requests).toHaveLength(12);
    expect(maxActive).toBe(3);
  });

  it("holds back a chat's later updates while an earlier one is retried (head-of-line)", async () => {
    emulator = await createTelegramEmulator({ timeScale: 0.001, firstUpdateId: 1 });
    let failures = 0;
    receiver = await startReceiver((request, response) => {
      if (request.updateId === 1 && failures < 3) {
        failures++;
        response.writeHead(500, "Internal Server Error").end();
        return;
      }
      response.writeHead(200).end();
    });
    await setWebhook(emulator, { url: receiver.url });
    emulator.sendUpdates([
      updates.message({ chatId: 5 }),
      updates.message({ chatId: 5 }),
      updates.message({ chatId: 6 }),
    ]);
    await emulator.waitForIdle();
    const order = receiver.requests.map((request) => request.updateId);
    // Chat 6 is not held up; chat 5's second update waits for the first to succeed.
    expect(order.indexOf(3)).toBeLessThan(order.lastIndexOf(1));
    expect(order.slice(order.lastIndexOf(1))).toEqual([1, 2]);
    expect(order.filter((id) => id === 1)).toHaveLength(4);
  });

  it("loads at most 2 × max_connections queues, so stuck chats stall the others", async () => {
    emulator = await createTelegramEmulator({ timeScale: 0.001, firstUpdateId: 1 });
    let healthy = false;
    receiver = await startReceiver((request, response) => {
      const stuck = chatOf(request.body) !== 3 && !healthy;
      response.writeHead(stuck ? 503 : 200, stuck ? "Service Unavailable" : "OK").end();
    });
    await setWebhook(emulator, { url: receiver.url, max_connections: 1 });
    emulator.sendUpdates([
      updates.message({ chatId: 1 }),
      updates.message({ chatId: 2 }),
      updates.message({ chatId: 3 }),
    ]);
    await sleep(150);
    expect(receiver.requests.length).toBeGreaterThan(4);
    expect(receiver.requests.some((request) => chatOf(request.body) === 3)).toBe(false);
    healthy = true;
    await emulator.waitForIdle();
    expect(receiver.requests.filter((request) => chatOf(request.body) === 3)).toHaveLength(1);
  });

  it("delivers 2000 updates over 200 chats in order per chat, once each (twice: cold, then warm)", async () => {
    emulator = await createTelegramEmulator();
    receiver = await startReceiver();
    await setWebhook(emulator, { url: receiver.url, max_connections: 40 });
    const total = 2000;
    for (const round of ["cold", "warm"]) {
      receiver.requests.length = 0;
      const started = performance.now();
      for (let i = 0; i < total; i++)
        emulator.sendUpdate(updates.message({ chatId: 1000 + (i % 200), text: "x" }));
      await emulator.waitForIdle({ timeoutMs: 15_000 });
      const seconds = (performance.now() - started) / 1000;
      console.info(
        `${round}: ${total} updates over 200 chats in ${(seconds * 1000).toFixed(0)} ms, ${(total / seconds).toFixed(0)}/s`,
      );
      expect(receiver.requests).toHaveLength(total);
      expect(new Set(receiver.requests.map((request) => request.updateId)).size).toBe(total);
      const lastPerChat = new Map<number, number>();
      for (const request of receiver.requests) {
        const chat = chatOf(request.body);
        expect(request.updateId).toBeGreaterThan(lastPerChat.get(chat) ?? 0);
        lastPerChat.set(chat, request.updateId);
      }
    }
    expect(emulator.deliveries).toHaveLength(2 * total);
    expect(emulator.deliveries.every((record) => record.outcome === "delivered")).toBe(true);
  });
});
