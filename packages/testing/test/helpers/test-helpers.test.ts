import { createServer } from "node:http";
import { describe, expect, it } from "vitest";
import { CONFORMANCE_SECRET } from "../../src/conformance.js";
import { listenOnLoopback, recordUpdates } from "../../src/index.js";

describe("recordUpdates", () => {
  it("records the updates and rejections given to the hooks, over the conformance secret", () => {
    let given: Record<string, unknown> = {};
    const { webhook, updates, rejections } = recordUpdates(
      (options: Record<string, unknown>) => {
        given = options;
        return "the middleware";
      },
      { path: "/bot" },
    );
    expect(webhook).toBe("the middleware");
    expect(given).toMatchObject({ secretToken: CONFORMANCE_SECRET, path: "/bot" });
    (given.onUpdate as (update: { update_id: number }) => void)({ update_id: 7 });
    (given.onReject as (rejection: unknown) => void)({ status: 401, reason: "secret_mismatch" });
    expect(updates).toEqual([7]);
    expect(rejections).toEqual([{ status: 401, reason: "secret_mismatch" }]);
  });

  it("lets the test replace a hook", () => {
    const seen: unknown[] = [];
    let given: Record<string, unknown> = {};
    const { updates } = recordUpdates((options: Record<string, unknown>) => (given = options), {
      onUpdate: (update: unknown) => void seen.push(update),
    });
    (given.onUpdate as (update: unknown) => void)({ update_id: 1 });
    expect([seen, updates]).toEqual([[{ update_id: 1 }], []]);
  });
});

describe("listenOnLoopback", () => {
  it("serves on a free loopback port, and close cuts keep-alive connections", async () => {
    const server = await listenOnLoopback(createServer((_, response) => response.end("hi")));
    expect(server.url).toBe(`http://127.0.0.1:${server.port}`);
    expect(await (await fetch(`${server.url}/x`)).text()).toBe("hi");
    await server.close();
    await expect(fetch(`${server.url}/x`)).rejects.toThrow();
  });

  it("rejects when the server cannot listen", async () => {
    const running = await listenOnLoopback(createServer());
    const again = createServer();
    again.listen = () => {
      queueMicrotask(() => again.emit("error", new Error("EADDRINUSE")));
      return again;
    };
    await expect(listenOnLoopback(again)).rejects.toThrow("EADDRINUSE");
    await running.close();
  });
});
