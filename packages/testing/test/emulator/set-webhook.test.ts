import { afterEach, describe, expect, it } from "vitest";
import { createTelegramEmulator, type TelegramEmulator, updates } from "../../src/emulator/index.js";
import { callApi, type Receiver, setWebhook, startReceiver } from "./helpers.js";

let emulator: TelegramEmulator;
let receiver: Receiver | undefined;

afterEach(async () => {
  await emulator.close();
  await receiver?.close();
  receiver = undefined;
});

/** An emulator whose setWebhook rate limit is off, unless a test is about it. */
async function start(options: Parameters<typeof createTelegramEmulator>[0] = {}): Promise<TelegramEmulator> {
  emulator = await createTelegramEmulator({ setWebhookRateLimitMs: 0, ...options });
  return emulator;
}

async function expectBadRequest(params: Record<string, unknown>, description: string): Promise<void> {
  const reply = await callApi(emulator, "setWebhook", params);
  expect(reply.status).toBe(400);
  expect(reply.body).toEqual({ ok: false, error_code: 400, description });
}

describe("setWebhook validation", () => {
  it("accepts http and loopback in local mode, the default", async () => {
    await start();
    const reply = await callApi(emulator, "setWebhook", { url: "http://127.0.0.1:9/hook" });
    expect(reply.text).toBe('{"ok":true,"result":true,"description":"Webhook was set"}');
  });

  it("rejects URLs the server cannot parse", async () => {
    await start();
    await expectBadRequest({ url: "ftp://example.com/hook" }, "Bad Request: invalid webhook URL specified");
    await expectBadRequest({ url: "http://127.0.0.1:0/hook" }, "Bad Request: invalid webhook URL specified");
    await expectBadRequest({ url: "http://127.0.0.1:70000/" }, "Bad Request: invalid webhook URL specified");
    await expectBadRequest({ url: "https://exa mple.com/" }, "Bad Request: invalid webhook URL specified");
    await expectBadRequest({ url: "https://:443/" }, "Bad Request: invalid webhook URL specified");
  });

  it("checks the secret token's length and characters", async () => {
    await start();
    await expectBadRequest(
      { url: "http://127.0.0.1:9/", secret_token: "x".repeat(257) },
      "Bad Request: secret token is too long",
    );
    await expectBadRequest(
      { url: "http://127.0.0.1:9/", secret_token: "not allowed!" },
      "Bad Request: secret token contains unallowed characters",
    );
    const ok = await callApi(emulator, "setWebhook", {
      url: "http://127.0.0.1:9/",
      secret_token: "A-z_0".repeat(51),
    });
    expect(ok.body.ok).toBe(true);
  });

  it("outside local mode demands https, the four ports and a public IPv4", async () => {
    await start({ local: false });
    await expectBadRequest(
      { url: "http://203.0.114.1/hook" },
      "Bad Request: bad webhook: An HTTPS URL must be provided for webhook",
    );
    await expectBadRequest(
      { url: "https://203.0.114.1:8080/hook" },
      "Bad Request: bad webhook: Webhook can be set up only on ports 80, 88, 443 or 8443",
    );
    await expectBadRequest(
      { url: "https://127.0.0.1:8443/hook" },
      "Bad Request: bad webhook: IP address 127.0.0.1 is reserved",
    );
    await expectBadRequest(
      { url: "https://192.168.1.20/hook" },
      "Bad Request: bad webhook: IP address 192.168.1.20 is reserved",
    );
    await expectBadRequest(
      { url: "https://[::1]/hook" },
      "Bad Request: bad webhook: IPv6-only addresses are not allowed",
    );
    await expectBadRequest(
      { url: "https://example.com/hook", ip_address: "not-an-ip" },
      "Bad Request: bad webhook: Invalid IP address specified",
    );
    const ok = await callApi(emulator, "setWebhook", { url: "example.com:88/hook", ip_address: "8.8.8.8" });
    expect(ok.body.description).toBe("Webhook was set");
    const info = emulator.webhookInfo();
    expect(info).toMatchObject({ url: "example.com:88/hook", max_connections: 40, ip_address: "8.8.8.8" });
  });

  it("clamps max_connections instead of rejecting it", async () => {
    await start({ local: false });
    const cases: Array<[unknown, number]> = [
      [undefined, 40],
      [0, 1],
      [500, 100],
      ["abc", 1],
      ["", 40],
      [77, 77],
    ];
    for (const [value, expected] of cases) {
      await callApi(emulator, "deleteWebhook");
      const params: Record<string, unknown> = { url: "https://example.com/hook", ip_address: "8.8.8.8" };
      if (value !== undefined) params.max_connections = value;
      await setWebhook(emulator, params);
      expect(emulator.webhookInfo().max_connections).toBe(expected);
    }
  });

  it("in local mode allows up to 100000 connections, 100 by default", async () => {
    await start();
    await setWebhook(emulator, { url: "http://127.0.0.1:9/" });
    expect(emulator.webhookInfo().max_connections).toBe(100);
    await setWebhook(emulator, { url: "http://127.0.0.1:9/", max_connections: 1_000_000 });
    expect(emulator.webhookInfo().max_connections).toBe(100_000);
  });
});

describe("setWebhook behaviour", () => {
  it("limits setWebhook with a URL to one per second with a 429 and Retry-After", async () => {
    emulator = await createTelegramEmulator({ setWebhookRateLimitMs: 300 });
    const url = "http://127.0.0.1:9/hook";
    expect((await callApi(emulator, "setWebhook", { url })).body.ok).toBe(true);
    const limited = await callApi(emulator, "setWebhook", { url });
    expect(limited.status).toBe(429);
    expect(limited.headers.get("retry-after")).toBe("1");
    expect(limited.text).toBe(
      '{"ok":false,"error_code":429,"description":"Too Many Requests: retry after 1","parameters":{"retry_after":1}}',
    );
    // deleteWebhook is not limited.
    expect((await callApi(emulator, "deleteWebhook")).body.description).toBe("Webhook was deleted");
    await new Promise((resolve) => setTimeout(resolve, 350));
    expect((await callApi(emulator, "setWebhook", { url })).body.description).toBe("Webhook was set");
    expect(emulator.setWebhookCalls).toBe(3);
  });

  it("answers an identical call with 'Webhook is already set' but still applies allowed_updates", async () => {
    await start();
    const params = { url: "http://127.0.0.1:9/hook", secret_token: "s1", max_connections: 5 };
    await setWebhook(emulator, params);
    const again = await callApi(emulator, "setWebhook", { ...params, allowed_updates: ["message"] });
    expect(again.body).toEqual({ ok: true, result: true, description: "Webhook is already set" });
    expect(emulator.webhookInfo().allowed_updates).toEqual(["message"]);
    const changed = await callApi(emulator, "setWebhook", { ...params, secret_token: "s2" });
    expect(changed.body.description).toBe("Webhook was set");
    const dropping = await callApi(emulator, "setWebhook", {
      ...params,
      secret_token: "s2",
      drop_pending_updates: true,
    });
    expect(dropping.body.description).toBe("Webhook was set");
  });

  it("removes the old webhook when a new setWebhook fails", async () => {
    await start();
    await setWebhook(emulator, { url: "http://127.0.0.1:9/hook" });
    await expectBadRequest(
      { url: "http://127.0.0.1:9/hook", secret_token: "bad token" },
      "Bad Request: secret token contains unallowed characters",
    );
    expect(emulator.webhookInfo().url).toBe("");
  });

  it("describes deleteWebhook, and a setWebhook with an empty url deletes too", async () => {
    await start();
    expect((await callApi(emulator, "deleteWebhook")).body.description).toBe("Webhook is already deleted");
    await setWebhook(emulator, { url: "http://127.0.0.1:9/hook" });
    expect((await callApi(emulator, "setWebhook", { url: "" })).body.description).toBe("Webhook was deleted");
    expect((await callApi(emulator, "setWebhook", { url: "" })).body.description).toBe(
      "Webhook is already deleted",
    );
  });

  it("keeps pending updates on delete for getUpdates, and drops them with drop_pending_updates", async () => {
    await start({ firstUpdateId: 10 });
    emulator.sendUpdate(updates.message({ text: "a" }));
    emulator.sendUpdate(updates.message({ text: "b" }));
    await setWebhook(emulator, { url: "http://127.0.0.1:9/hook" });
    await callApi(emulator, "deleteWebhook");
    const polled = await callApi(emulator, "getUpdates");
    expect(polled.body.result.map((update: { update_id: number }) => update.update_id)).toEqual([10, 11]);
    await callApi(emulator, "deleteWebhook", { drop_pending_updates: true });
    expect(emulator.webhookInfo().pending_update_count).toBe(0);
    expect(emulator.deliveries.filter((record) => record.dropReason === "dropped_pending")).toHaveLength(2);
    // The sequence continues after a drop.
    expect(emulator.sendUpdate(updates.message()).update_id).toBe(12);
  });
});

describe("changing webhooks", () => {
  it("hands undelivered updates to a new URL", async () => {
    await start({ timeScale: 0.001, firstUpdateId: 1 });
    const failing = await startReceiver((_request, response) => void response.writeHead(500).end());
    try {
      await setWebhook(emulator, { url: failing.url });
      emulator.sendUpdates([updates.message({ chatId: 1 }), updates.message({ chatId: 2 })]);
      await waitFor(() => failing.requests.length >= 2);
      receiver = await startReceiver();
      await setWebhook(emulator, { url: receiver.url });
      await emulator.waitForIdle();
      expect(receiver.requests.map((request) => request.updateId).sort()).toEqual([1, 2]);
      expect(emulator.webhookInfo().last_error_message).toBeUndefined();
    } finally {
      await failing.close();
    }
  });

  it("counts an uploaded certificate, which always forces a full re-set", async () => {
    await start();
    const upload = async () => {
      const form = new FormData();
      form.set("url", "http://127.0.0.1:9/hook");
      form.set("certificate", new Blob(["-----BEGIN CERTIFICATE-----\n"]), "cert.pem");
      const response = await fetch(`${emulator.apiRoot}/bot${emulator.token}/setWebhook`, {
        method: "POST",
        body: form,
      });
      return (await response.json()) as { description: string };
    };
    expect((await upload()).description).toBe("Webhook was set");
    expect(emulator.webhookInfo().has_custom_certificate).toBe(true);
    expect((await upload()).description).toBe("Webhook was set");
    expect((await callApi(emulator, "setWebhook", { url: "http://127.0.0.1:9/hook" })).body.description).toBe(
      "Webhook was set",
    );
    expect(emulator.webhookInfo().has_custom_certificate).toBe(false);
  });

  it("ends a waiting getUpdates with 409 when a webhook is set, and a newer poll ends an older one", async () => {
    await start();
    const older = callApi(emulator, "getUpdates", { timeout: 30 });
    await waitFor(() => emulator.calls.length === 1);
    const newer = callApi(emulator, "getUpdates", { timeout: 30 });
    expect((await older).body).toEqual({
      ok: false,
      error_code: 409,
      description:
        "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running",
    });
    await setWebhook(emulator, { url: "http://127.0.0.1:9/hook" });
    expect((await newer).body.description).toBe("Conflict: terminated by setWebhook request");
  });
});

describe("waitForIdle", () => {
  it("rejects after its timeout, saying what is still pending", async () => {
    await start({ timeScale: 0.001 });
    receiver = await startReceiver(
      (_request, response) => void response.writeHead(500, "Internal Server Error").end(),
    );
    await setWebhook(emulator, { url: receiver.url });
    emulator.sendUpdate(updates.message());
    await expect(emulator.waitForIdle({ timeoutMs: 100 })).rejects.toThrow(
      /waitForIdle timed out after 100 ms: bot 123456789: 1 updates pending, .*last error "Wrong response from the webhook: 500 Internal Server Error"/,
    );
  });
});

describe("getUpdates", () => {
  it("returns 409 with the exact Conflict text while a webhook is set", async () => {
    await start();
    await setWebhook(emulator, { url: "http://127.0.0.1:9/hook" });
    const reply = await callApi(emulator, "getUpdates");
    expect(reply.status).toBe(409);
    expect(reply.body.description).toBe(
      "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first",
    );
  });

  it("confirms updates below offset and waits for new ones with timeout", async () => {
    await start({ firstUpdateId: 100, timeScale: 0.01 });
    emulator.sendUpdate(updates.message({ text: "1" }));
    emulator.sendUpdate(updates.message({ text: "2" }));
    const first = await callApi(emulator, "getUpdates", { limit: 1 });
    expect(first.body.result).toHaveLength(1);
    expect(first.body.result[0].message.text).toBe("1");
    const next = await callApi(emulator, "getUpdates", { offset: 101 });
    expect(next.body.result.map((update: { update_id: number }) => update.update_id)).toEqual([101]);
    const waiting = callApi(emulator, "getUpdates", { offset: 102, timeout: 30 });
    setTimeout(() => emulator.sendUpdate(updates.message({ text: "3" })), 20);
    const late = await waiting;
    expect(late.body.result[0].update_id).toBe(102);
    expect(emulator.webhookInfo().pending_update_count).toBe(1);
  });
});

describe("getWebhookInfo", () => {
  it("lists keys in the server's order and leaves out what does not apply", async () => {
    await start();
    const empty = await callApi(emulator, "getWebhookInfo");
    expect(empty.text).toBe(
      '{"ok":true,"result":{"url":"","has_custom_certificate":false,"pending_update_count":0}}',
    );
    receiver = await startReceiver((_request, response) => {
      response.writeHead(500, "Internal Server Error").end();
    });
    await setWebhook(emulator, {
      url: receiver.url,
      allowed_updates: ["callback_query", "message", "chat_member"],
    });
    emulator.sendUpdate(updates.message());
    await waitFor(() => emulator.webhookInfo().last_error_message !== undefined);
    const info = await callApi(emulator, "getWebhookInfo");
    expect(Object.keys(info.body.result)).toEqual([
      "url",
      "has_custom_certificate",
      "pending_update_count",
      "last_error_date",
      "last_error_message",
      "max_connections",
      "ip_address",
      "allowed_updates",
    ]);
    expect(info.body.result).toMatchObject({
      url: receiver.url,
      pending_update_count: 1,
      last_error_message: "Wrong response from the webhook: 500 Internal Server Error",
      ip_address: "127.0.0.1",
      allowed_updates: ["message", "callback_query", "chat_member"],
    });
  });

  it("keeps last_error after a later success and clears it on set and delete", async () => {
    await start({ timeScale: 0.001 });
    let fail = true;
    receiver = await startReceiver((_request, response) => {
      response.writeHead(fail ? 502 : 200, fail ? "Bad Gateway" : "OK").end();
      fail = false;
    });
    await setWebhook(emulator, { url: receiver.url });
    emulator.sendUpdate(updates.message());
    await emulator.waitForIdle();
    expect(emulator.webhookInfo()).toMatchObject({
      pending_update_count: 0,
      last_error_message: "Wrong response from the webhook: 502 Bad Gateway",
    });
    await setWebhook(emulator, { url: receiver.url, max_connections: 3 });
    expect(emulator.webhookInfo().last_error_message).toBeUndefined();
  });

  it("keeps allowed_updates on invalid values and resets to the default on an empty list", async () => {
    await start();
    await setWebhook(emulator, {
      url: "http://127.0.0.1:9/",
      allowed_updates: ["MESSAGE", "poll", "nonsense"],
    });
    expect(emulator.webhookInfo().allowed_updates).toEqual(["message", "poll"]);
    for (const invalid of ["message", "[1]", "{oops", ""]) {
      await callApi(emulator, "setWebhook", { url: "http://127.0.0.1:9/", allowed_updates: invalid });
      expect(emulator.webhookInfo().allowed_updates).toEqual(["message", "poll"]);
    }
    await callApi(emulator, "setWebhook", { url: "http://127.0.0.1:9/", allowed_updates: ["nonsense"] });
    expect(emulator.webhookInfo().allowed_updates).toBeUndefined();
  });

  it("filters updates at creation by allowed_updates; the default excludes chat_member and reactions", async () => {
    await start({ firstUpdateId: 1 });
    expect(emulator.sendUpdate(updates.chatMember()).update_id).toBe(0);
    expect(emulator.sendUpdate(updates.messageReaction()).update_id).toBe(0);
    expect(emulator.sendUpdate(updates.message()).update_id).toBe(1);
    await callApi(emulator, "getUpdates", { allowed_updates: ["chat_member"] });
    expect(emulator.sendUpdate(updates.chatMember()).update_id).toBe(2);
    expect(emulator.sendUpdate(updates.message()).update_id).toBe(0);
    expect(emulator.filteredUpdates).toHaveLength(3);
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 3000): Promise<void> {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > timeoutMs) throw new Error("condition not met in time");
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
