import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { sampleUpdate, sendOverHttp } from "@telehook/testing/conformance";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { type RuntimeServer, startRuntime } from "./support/runtime-server.js";

// On workerd a timer or a pending promise dies with the request that made it, unless `ctx.waitUntil` keeps it.
// A webhook built at module scope outlives every request, so these cases check what a single request cannot:
// the deadline still answers on later requests, and the work after an early answer still finishes.

/** Slow handlers wait here until the test opens their gate, or until AUTO_OPEN_MS, whichever is first. */
const AUTO_OPEN_MS = 4000;

interface Gate {
  readonly url: string;
  open(): void;
  /** Who opened it: the test, or the fallback timer (the handler waited too long). */
  openedBy(): "test" | "timer" | undefined;
  /** Resolves when the handler reported `done`, or with `false` after `ms`. */
  done(ms: number): Promise<boolean>;
}

class Gates {
  private readonly server: Server;
  private readonly gates = new Map<string, { open(by: "test" | "timer"): void; reportDone(): void }>();
  private count = 0;
  private base = "";

  constructor() {
    this.server = createServer((request, response) => {
      const [, id = "", action = ""] = (request.url ?? "").split("/");
      const gate = this.gates.get(id);
      if (action === "done") gate?.reportDone();
      if (action !== "wait" || !gate) return void response.end();
      this.waiting.get(id)?.then(() => response.end());
    });
  }

  private readonly waiting = new Map<string, Promise<void>>();

  async start(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, "127.0.0.1", resolve));
    this.base = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  stop(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  create(): Gate {
    const id = String(++this.count);
    let by: "test" | "timer" | undefined;
    let opened = () => {};
    let reportDone = () => {};
    const isDone = new Promise<true>((resolve) => {
      reportDone = () => resolve(true);
    });
    this.waiting.set(
      id,
      new Promise<void>((resolve) => {
        opened = resolve;
      }),
    );
    const open = (who: "test" | "timer") => {
      by ??= who;
      opened();
    };
    const timer = setTimeout(() => open("timer"), AUTO_OPEN_MS);
    this.gates.set(id, { open: (who) => open(who), reportDone: () => reportDone() });
    return {
      url: `${this.base}/${id}`,
      open: () => {
        clearTimeout(timer);
        open("test");
      },
      openedBy: () => by,
      done: (ms) =>
        Promise.race([isDone, new Promise<false>((resolve) => setTimeout(() => resolve(false), ms))]),
    };
  }
}

const gates = new Gates();
let worker: RuntimeServer | undefined;
let failure: unknown;

beforeAll(async () => {
  await gates.start();
  // A runtime that cannot start fails every test with its error, rather than leaving them skipped.
  worker = await startRuntime("workerd", "module-scope-worker.ts").catch((error: unknown) => {
    failure = error;
    return undefined;
  });
}, 60_000);

afterAll(async () => {
  await worker?.stop();
  await gates.stop();
});

let nextId = 50_000;

function send(path: string, text: string, chatId?: number) {
  const id = nextId++;
  const update = sampleUpdate(id, chatId ?? id);
  if (update.message) update.message.text = text;
  if (!worker) throw new Error("workerd did not start", { cause: failure });
  return sendOverHttp(`${worker.url}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-telegram-bot-api-secret-token": "module_scope_secret" },
    body: JSON.stringify(update),
  });
}

describe.each(["/fetch", "/hono"])("workerd, a webhook built at module scope, %s", (path) => {
  test("answers a slow update at the deadline on every request, not only the first", async () => {
    expect((await send(path, "fast")).status).toBe(200);
    const answers: [number, string | undefined][] = [];
    for (let request = 0; request < 3; request++) {
      const gate = gates.create();
      const response = await send(path, gate.url);
      // Answered while the handler still waits: the deadline answered, not the end of the handler.
      answers.push([response.status, gate.openedBy()]);
      gate.open();
    }
    expect(answers).toEqual([
      [200, undefined],
      [200, undefined],
      [200, undefined],
    ]);
  });

  test("finishes the handler after the early answer, through the request's waitUntil", async () => {
    const gate = gates.create();
    const response = await send(path, gate.url);
    expect([response.status, gate.openedBy()]).toEqual([200, undefined]);
    gate.open();
    expect(await gate.done(AUTO_OPEN_MS)).toBe(true);
  });
});

describe("workerd, a webhook built at module scope and not given ctx", () => {
  // Without ctx.waitUntil, workerd cancels the handler with its request once the deadline answered. Core
  // then holds a run that will never end; its stuck-run limit (maxRunMs, 1 s here) must still free the chat.
  test("a run cancelled with its request stops blocking its chat after maxRunMs", async () => {
    const chat = 777_001;
    const gate = gates.create();
    const first = await send("/without-ctx", gate.url, chat);
    expect([first.status, gate.openedBy()]).toEqual([200, undefined]);
    gate.open();
    // Past maxRunMs (1000 ms) and the deadline of the cancelled run.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const next = await send("/without-ctx", "fast", chat);
    expect([next.status, next.body]).toEqual([200, ""]);
  });
});
