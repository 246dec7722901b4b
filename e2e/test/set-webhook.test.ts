import { createServer, type Socket } from "node:net";
import {
  type TelehookError,
  TelehookError as TelehookErrorClass,
  type Update,
  type WebhookRegistrationConfig,
} from "@telehook/core";
import { updates } from "@telehook/testing";
import { describe, test } from "vitest";
import { type Cleanup, createCleanup } from "./helpers/cleanup.js";
import {
  changingSetWebhookCalls,
  registerWith,
  SECRET,
  setWebhookByHand,
  startEmulator,
} from "./helpers/emulator.js";
import { ADAPTERS, openListener, startWebhookServer, type WebhookServer } from "./helpers/servers.js";

// The adapters' `setWebhook` option against the emulator's real setWebhook: Telegram's 1-per-second limit
// (429 "retry after 1"), "Webhook is already set", and getWebhookInfo.

/**
 * A Bot API server that accepts connections and never answers, so a registration stays in its first
 * request. Resolves `connected` on the first connection.
 */
async function silentApi(cleanup: Cleanup): Promise<{ apiRoot: string; connected: Promise<void> }> {
  const sockets = new Set<Socket>();
  let onConnection: () => void = () => {};
  const connected = new Promise<void>((resolve) => {
    onConnection = resolve;
  });
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on("error", () => {});
    onConnection();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  cleanup.add(
    () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  );
  const address = server.address();
  const port = typeof address === "object" && address !== null ? address.port : 0;
  return { apiRoot: `http://127.0.0.1:${port}`, connected };
}

describe.concurrent("instances starting together", () => {
  test("one instance of every adapter, same webhook: at most one setWebhook changes anything, and every ready resolves", async ({
    expect,
    onTestFinished,
  }) => {
    const cleanup = createCleanup(onTestFinished);
    // Real time here: the emulator's 1 s setWebhook window is what the instances race into.
    const emulator = await startEmulator(cleanup);
    const listeners = await Promise.all(ADAPTERS.map(() => openListener()));
    for (const listener of listeners) cleanup.add(() => listener.close());
    // Behind a load balancer every instance registers the same public URL; here it is the first one's.
    const publicUrl = listeners[0]?.url ?? "";
    const handled: [string, number][] = [];
    // Built in one synchronous pass, as replicas booting at once: every registration starts on the next tick.
    const servers: WebhookServer[] = listeners.map((listener, index) => {
      const adapter = ADAPTERS[index] ?? "express";
      return listener.mount(adapter, {
        secretToken: SECRET,
        onUpdate: (update) => {
          handled.push([adapter, update.update_id]);
        },
        setWebhook: registerWith(emulator, publicUrl),
      });
    });
    for (const server of servers) cleanup.add(() => server.webhook.close({ timeoutMs: 1000 }));

    const outcomes = await Promise.all(servers.map((server) => server.webhook.ready));
    const results = outcomes.map((outcome) => {
      if (outcome === null || !outcome.ok) throw new Error(`registration failed: ${JSON.stringify(outcome)}`);
      return outcome.result;
    });
    expect(changingSetWebhookCalls(emulator)).toHaveLength(1);
    expect(results.filter((result) => result.changed)).toHaveLength(1);
    for (const result of results) {
      expect(["updated", "set_meanwhile", "up_to_date"]).toContain(result.reason);
      expect(result.info.url).toBe(emulator.webhookInfo().url);
    }
    // Each instance called setWebhook at most once: one that was refused (429) re-read getWebhookInfo after
    // retry_after and found the webhook set, instead of calling again.
    for (const result of results) expect(result.setWebhookCalls).toBeLessThanOrEqual(1);
    expect(results.reduce((sum, result) => sum + result.setWebhookCalls, 0)).toBe(emulator.setWebhookCalls);
    expect(emulator.callsTo("deleteWebhook")).toHaveLength(0);

    // The registered webhook works: an update reaches the instance behind the public URL.
    const update = emulator.sendUpdate(updates.message({ text: "hello" }));
    await emulator.waitForIdle();
    expect(handled).toEqual([[ADAPTERS[0], update.update_id]]);
  });

  test("on the next deploy, instances with the same config call no setWebhook at all", async ({
    expect,
    onTestFinished,
  }) => {
    const cleanup = createCleanup(onTestFinished);
    const emulator = await startEmulator(cleanup);
    const first = await startWebhookServer("express", (url) => ({
      secretToken: SECRET,
      onUpdate: () => {},
      setWebhook: registerWith(emulator, url),
    }));
    cleanup.add(() => first.close());
    expect(await first.webhook.ready).toMatchObject({ ok: true, result: { changed: true } });
    const listeners = await Promise.all(ADAPTERS.map(() => openListener()));
    for (const listener of listeners) cleanup.add(() => listener.close());
    const servers = listeners.map((listener, index) =>
      listener.mount(ADAPTERS[index] ?? "express", {
        secretToken: SECRET,
        onUpdate: () => {},
        setWebhook: registerWith(emulator, first.url),
      }),
    );
    for (const server of servers) cleanup.add(() => server.webhook.close({ timeoutMs: 1000 }));
    for (const outcome of await Promise.all(servers.map((server) => server.webhook.ready))) {
      expect(outcome).toMatchObject({
        ok: true,
        result: { changed: false, reason: "up_to_date", setWebhookCalls: 0 },
      });
    }
    expect(emulator.setWebhookCalls).toBe(1);
    expect(emulator.callsTo("getWebhookInfo").length).toBeGreaterThanOrEqual(1 + ADAPTERS.length);
  });
});

describe.concurrent.each(ADAPTERS)("%s", (adapter) => {
  test("a URL Telegram would refuse is reported through ready and onError, nothing is sent, and the webhook serves", async ({
    expect,
    onTestFinished,
  }) => {
    const cleanup = createCleanup(onTestFinished);
    const emulator = await startEmulator(cleanup);
    const bad: [string, Partial<WebhookRegistrationConfig>][] = [
      ["ftp://127.0.0.1/bot", {}],
      ["not a url", {}],
      ["http://127.0.0.1:99999/bot", {}],
      ["#fragment", {}],
      // Outside local mode (a public apiRoot) an http URL or an unsupported port is refused the same way.
      ["http://bot.example.com/bot", { apiRoot: "https://api.telegram.org" }],
      ["https://bot.example.com:21/bot", { apiRoot: "https://api.telegram.org" }],
    ];
    for (const [url, extra] of bad) {
      const listener = await openListener();
      cleanup.add(() => listener.close());
      const errors: TelehookError[] = [];
      const received: number[] = [];
      const server = listener.mount(adapter, {
        secretToken: SECRET,
        onUpdate: (update) => void received.push(update.update_id),
        setWebhook: registerWith(emulator, url === "#fragment" ? `${listener.url}#fragment` : url, {
          ...extra,
          onError: (error) => errors.push(error),
        }),
      });
      cleanup.add(() => server.webhook.close({ timeoutMs: 1000 }));
      const outcome = await server.webhook.ready;
      expect(outcome, url).toMatchObject({ ok: false, error: { code: "invalid_webhook_config" } });
      expect(errors, url).toEqual([outcome?.ok === false ? outcome.error : undefined]);
      expect(errors[0]?.message, url).not.toContain(emulator.token.split(":")[1]);
      // setWebhook() says the same, again, without a call either.
      await expect(server.webhook.setWebhook(), url).rejects.toMatchObject({
        code: "invalid_webhook_config",
      });
      expect(errors, url).toHaveLength(2);
      expect(emulator.calls, url).toHaveLength(0);

      // The webhook Telegram already has may still be right: it keeps being served.
      const response = await fetch(listener.url, {
        method: "POST",
        headers: { "content-type": "application/json", "x-telegram-bot-api-secret-token": SECRET },
        body: JSON.stringify(updates.message({ text: "still served", updateId: 1 })),
      });
      expect(response.status, url).toBe(200);
      expect(received, url).toHaveLength(1);
    }
  });

  test("a bad secret token still throws at construction (Fastify: rejects ready), before any registration", async ({
    expect,
    onTestFinished,
  }) => {
    const cleanup = createCleanup(onTestFinished);
    const emulator = await startEmulator(cleanup);
    const listener = await openListener();
    cleanup.add(() => listener.close());
    // Fastify loads a plugin in ready(): there the error rejects it, which the webhook's ready reports.
    let error: unknown;
    try {
      const server = listener.mount(adapter, {
        secretToken: "not a valid secret!",
        onUpdate: () => {},
        setWebhook: registerWith(emulator, listener.url),
      });
      error = adapter.startsWith("fastify")
        ? await server.webhook.ready.then(
            () => undefined,
            (e) => e,
          )
        : undefined;
    } catch (thrown) {
      error = thrown;
    }
    expect(error).toBeInstanceOf(TelehookErrorClass);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(emulator.calls).toHaveLength(0);
  });

  test("a registration that cannot reach the Bot API resolves ready with ok: false, and the webhook keeps serving", async ({
    expect,
    onTestFinished,
  }) => {
    const cleanup = createCleanup(onTestFinished);
    const errors: TelehookError[] = [];
    const received: Update[] = [];
    const unreachable = await startEmulator(cleanup);
    const apiRoot = unreachable.apiRoot;
    await unreachable.close();
    const server = await startWebhookServer(adapter, (url) => ({
      secretToken: SECRET,
      onUpdate: (update) => {
        received.push(update);
      },
      setWebhook: {
        token: unreachable.token,
        url,
        apiRoot,
        maxWaitMs: 600,
        onError: (error) => errors.push(error),
      },
    }));
    cleanup.add(() => server.close());

    const outcome = await server.webhook.ready;
    expect(outcome).toMatchObject({ ok: false, error: { code: "bot_api_request_failed" } });
    expect(errors).toHaveLength(1);
    expect(outcome?.ok === false ? outcome.error : undefined).toBe(errors[0]);
    expect(errors[0]?.message).not.toContain(unreachable.token);

    // The app did not crash: once the webhook is set another way, Telegram's deliveries are handled.
    const emulator = await startEmulator(cleanup, { token: unreachable.token });
    await setWebhookByHand(emulator, { url: server.url, secret_token: SECRET });
    const update = emulator.sendUpdate(updates.message({ text: "still here" }));
    await emulator.waitForIdle();
    expect(received.map((u) => u.update_id)).toEqual([update.update_id]);
    expect(emulator.deliveries).toEqual([expect.objectContaining({ outcome: "delivered", status: 200 })]);
  });

  test("close() stops a registration whose request is still unanswered, and ready reports it", async ({
    expect,
    onTestFinished,
  }) => {
    const cleanup = createCleanup(onTestFinished);
    const api = await silentApi(cleanup);
    const server = await startWebhookServer(adapter, (url) => ({
      secretToken: SECRET,
      onUpdate: () => {},
      setWebhook: {
        token: "123456789:AAEmulatorDefaultTokenForTelehookTests",
        url,
        apiRoot: api.apiRoot,
        maxWaitMs: 60_000,
        onError: () => {},
      },
    }));
    cleanup.add(() => server.close());
    await api.connected;
    const started = Date.now();
    expect(await server.webhook.close({ timeoutMs: 1000 })).toEqual({ drained: true, unfinished: 0 });
    expect(await server.webhook.ready).toMatchObject({ ok: false, error: { code: "aborted" } });
    // Well under maxWaitMs and the request's own timeout: the shutdown did not wait for the registration.
    expect(Date.now() - started).toBeLessThan(5000);
  });
});
