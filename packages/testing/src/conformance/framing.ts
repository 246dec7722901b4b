import type { Update, WebhookOptions } from "@telehook/core";
import { describe, expect, test } from "vitest";
import { CONFORMANCE_SECRET, sampleUpdate } from "./fixtures.js";
import type { StartedServer } from "./harness.js";
import { floodExchange, rawExchange, requestHead } from "./raw-http.js";

/**
 * Where the runtime's own HTTP server, not the adapter, handles a framing case in another way that is still
 * safe. Each is the reason, stated by the harness that claims it; the case then checks what the adapter owns.
 */
export interface FramingDifferences {
  /**
   * The server accepts a 64 KiB header (workerd takes up to 128 KiB, as Cloudflare's edge does). The request
   * is then an ordinary one: with the right secret, its update is delivered once.
   */
  readonly largeHeadersAccepted?: string;
  /**
   * The server sends the body timeout's 408 at once but keeps reading the declared body before it closes the
   * connection (Deno). The 408 must still come in time, and nothing be delivered.
   */
  readonly connectionHeldAfterAnswer?: string;
  /**
   * The server reads and discards a body the handler answered without reading, whatever its `Connection:
   * close` says (workerd behind Miniflare). The refusal must still come at once and nothing be delivered; how
   * much the server reads afterwards is the runtime's (Cloudflare's edge caps request bodies itself).
   */
  readonly unreadBodyDrained?: string;
  /**
   * The server refuses a declared length above its own limit before the handler runs, and closes (Bun: 128
   * MiB by default). The connection must still be closed and nothing delivered.
   */
  readonly hugeBodyRefusedByServer?: string;
}

/**
 * Framing attacks over raw TCP, for adapters behind a real listener: lying Content-Length in both
 * directions, a body cut off mid-stream, slowloris, a huge header, duplicate secret headers, a
 * compressed body. Nothing forged or partial may reach `onUpdate`, and the server must keep serving.
 */
export function describeFramingConformance(
  name: string,
  start: (options: WebhookOptions) => Promise<StartedServer>,
  differences: FramingDifferences = {},
): void {
  async function withServer(run: (url: string, updates: Update[]) => Promise<void>): Promise<void> {
    const updates: Update[] = [];
    const server = await start({
      secretToken: CONFORMANCE_SECRET,
      bodyTimeoutMs: 300,
      onUpdate: (update) => void updates.push(update),
      onError: () => {},
    });
    try {
      await run(server.url, updates);
      // After every attack the server still serves a genuine update.
      const body = JSON.stringify(sampleUpdate(99_999));
      const after = await rawExchange(server.url, [head(server.url, body.length), body], 1000);
      expect(after.statuses[0]).toBe(200);
      expect(updates.at(-1)?.update_id).toBe(99_999);
    } finally {
      await server.close();
    }
  }

  const head = (url: string, length: number | null, extra: Record<string, string | string[]> = {}) =>
    requestHead(url, {
      "Content-Type": "application/json",
      "X-Telegram-Bot-Api-Secret-Token": CONFORMANCE_SECRET,
      ...(length === null ? {} : { "Content-Length": String(length) }),
      Connection: "close",
      ...extra,
    });

  describe(`${name}: framing attacks`, () => {
    test("a Content-Length larger than the body: the request times out with 408, nothing is delivered", async () => {
      await withServer(async (url, updates) => {
        const body = JSON.stringify(sampleUpdate(1));
        const exchange = await rawExchange(url, [head(url, body.length + 50), body], 2000);
        expect(exchange.statuses).toEqual([408]);
        expect(updates).toEqual([]);
      });
    });

    test("a Content-Length smaller than the body: only the declared bytes are the body", async () => {
      await withServer(async (url, updates) => {
        const body = JSON.stringify(sampleUpdate(2));
        const exchange = await rawExchange(url, [head(url, body.length - 3), body], 1000);
        expect(exchange.statuses[0]).toBe(400);
        expect(updates).toEqual([]);
      });
    });

    test("a body cut off mid-stream is dropped without a crash", async () => {
      await withServer(async (url, updates) => {
        const body = JSON.stringify(sampleUpdate(3));
        await rawExchange(url, [
          head(url, body.length),
          body.slice(0, 20),
          { pauseMs: 50 },
          { hangUp: true },
        ]);
        await new Promise((resolve) => setTimeout(resolve, 100));
        expect(updates).toEqual([]);
      });
    });

    const slowloris = differences.connectionHeldAfterAnswer
      ? `a client sending one byte at a time (slowloris) is answered 408 at the read timeout; the runtime holds the connection (${differences.connectionHeldAfterAnswer})`
      : "a client sending one byte at a time (slowloris) is cut off by the read timeout";
    test(slowloris, async () => {
      await withServer(async (url, updates) => {
        const body = JSON.stringify(sampleUpdate(4));
        const trickle = [...body].flatMap((char) => [char, { pauseMs: 40 }]);
        const started = Date.now();
        const exchange = await rawExchange(url, [head(url, body.length), ...trickle], 3000);
        expect(exchange.statuses).toEqual([408]);
        if (differences.connectionHeldAfterAnswer) expect(exchange.firstByteMs).toBeLessThan(2500);
        else expect(Date.now() - started).toBeLessThan(2500);
        expect(updates).toEqual([]);
      });
    });

    test("a chunked body without Content-Length is delivered", async () => {
      await withServer(async (url, updates) => {
        const body = JSON.stringify(sampleUpdate(5));
        const chunk = (text: string) => `${text.length.toString(16)}\r\n${text}\r\n`;
        const exchange = await rawExchange(url, [
          head(url, null, { "Transfer-Encoding": "chunked" }),
          chunk(body.slice(0, 17)),
          { pauseMs: 20 },
          chunk(body.slice(17)),
          "0\r\n\r\n",
        ]);
        expect(exchange.statuses).toEqual([200]);
        expect(updates.map((update) => update.update_id)).toEqual([5]);
      });
    });

    const hugeHeader = differences.largeHeadersAccepted
      ? `a huge header is accepted by the runtime (${differences.largeHeadersAccepted}), and its update delivered once`
      : "a huge header is refused before anything is delivered";
    test(hugeHeader, async () => {
      await withServer(async (url, updates) => {
        const body = JSON.stringify(sampleUpdate(6));
        const exchange = await rawExchange(url, [
          head(url, body.length, { "X-Padding": "a".repeat(64 * 1024) }),
          body,
        ]);
        if (differences.largeHeadersAccepted) {
          expect(exchange.statuses).toEqual([200]);
          expect(updates.map((update) => update.update_id)).toEqual([6]);
          return;
        }
        expect(exchange.statuses[0] ?? 0).toBeGreaterThanOrEqual(400);
        expect(updates).toEqual([]);
      });
    });

    test("two secret headers, even both right, are refused", async () => {
      await withServer(async (url, updates) => {
        const body = JSON.stringify(sampleUpdate(7));
        const twice = head(url, body.length, {
          "X-Telegram-Bot-Api-Secret-Token": [CONFORMANCE_SECRET, "guess"],
        });
        const exchange = await rawExchange(url, [twice, body]);
        expect(exchange.statuses).toEqual([401]);
        expect(exchange.text).not.toContain(CONFORMANCE_SECRET);
        expect(updates).toEqual([]);
      });
    });

    // A refusal sent before the body is read closes the connection, so an unauthenticated client can
    // neither make the server read a huge body nor keep the socket. The client here asks for keep-alive.
    const refusedUnread: readonly (readonly [string, number, string, Record<string, string>])[] = [
      ["a wrong secret", 401, "POST", { "X-Telegram-Bot-Api-Secret-Token": "wrong" }],
      ["a GET", 405, "GET", {}],
      ["a text/plain body", 415, "POST", { "Content-Type": "text/plain" }],
      ["a declared length over maxBodyBytes", 413, "POST", {}],
    ];
    for (const [what, status, method, extra] of refusedUnread) {
      test(`${what} with a 1 GB body: ${status}, then the server stops reading and closes`, async () => {
        await withServer(async (url, updates) => {
          const head = requestHead(url, {
            "Content-Type": "application/json",
            "X-Telegram-Bot-Api-Secret-Token": CONFORMANCE_SECRET,
            "Content-Length": "1000000000",
            ...extra,
          }).replace(/^POST/, method);
          const flood = await floodExchange(url, head, {
            chunk: "a".repeat(64 * 1024),
            maxBytes: 64 * 1024 * 1024,
            waitMs: 3000,
          });
          const drained = differences.unreadBodyDrained ?? differences.connectionHeldAfterAnswer;
          if (differences.hugeBodyRefusedByServer) {
            expect(flood.closedByServer, differences.hugeBodyRefusedByServer).toBe(true);
            expect(flood.statuses.every((received) => received === status || received === 413)).toBe(true);
          } else if (drained) {
            // The runtime reads on; what the adapter owns is the answer (when the runtime passes it on in
            // the time allowed) and that nothing is delivered.
            expect(
              flood.statuses.every((received) => received === status),
              drained,
            ).toBe(true);
          } else {
            expect(flood.closedByServer).toBe(true);
            // Socket buffers on both sides hold a few MiB; a server that reads on takes all 64.
            expect(flood.bytesWritten).toBeLessThan(16 * 1024 * 1024);
            expect(flood.statuses).toEqual([status]);
          }
          expect(updates).toEqual([]);
        });
      });
    }

    test("a slowloris socket on keep-alive is closed soon after its 408", async () => {
      await withServer(async (url, updates) => {
        const head = requestHead(url, {
          "Content-Type": "application/json",
          "X-Telegram-Bot-Api-Secret-Token": CONFORMANCE_SECRET,
          "Content-Length": "100000",
        });
        const flood = await floodExchange(url, head, {
          chunk: " ",
          pauseMs: 20,
          maxBytes: 100_000,
          waitMs: 3000,
        });
        expect(flood.statuses).toEqual([408]);
        if (!differences.connectionHeldAfterAnswer && !differences.unreadBodyDrained) {
          expect(flood.closedByServer).toBe(true);
          expect(flood.closedAfterAnswerMs).toBeLessThan(1000);
        }
        expect(updates).toEqual([]);
      });
    });

    test("a gzip-compressed body is refused with 415", async () => {
      await withServer(async (url, updates) => {
        const body = JSON.stringify(sampleUpdate(8));
        const exchange = await rawExchange(url, [
          head(url, body.length, { "Content-Encoding": "gzip" }),
          body,
        ]);
        expect(exchange.statuses).toEqual([415]);
        expect(updates).toEqual([]);
      });
    });
  });
}
