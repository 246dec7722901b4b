import { createServer, type Server } from "node:https";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { createTelegramEmulator, type TelegramEmulator, updates } from "../../src/emulator/index.js";
import { callApi } from "./helpers.js";

// A self-signed test certificate for CN=127.0.0.1 without SANs, valid 2000–2100. Test fixture only.
const CERTIFICATE = `-----BEGIN CERTIFICATE-----
MIIBSTCB8aADAgECAgEBMAoGCCqGSM49BAMCMBQxEjAQBgNVBAMMCTEyNy4wLjAu
MTAgFw0wMDAxMDEwMDAwMDBaGA8yMTAwMDEwMTAwMDAwMFowFDESMBAGA1UEAwwJ
MTI3LjAuMC4xMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEhCJgsJQDTa/A5e+2
FvafIjTIp25dHkA46OxqvfyPzK8lh90es4GrkyZbttMkHKwHnH7u9ASfA0rMjAQd
w4KIUqMyMDAwDwYDVR0TAQH/BAUwAwEB/zAdBgNVHQ4EFgQUPRCuIzR3ujpsw4ui
ycI84nninDcwCgYIKoZIzj0EAwIDRwAwRAIgRkFEBM807LjJ/gNrA+Rffw9kd4Md
upawvPn8Lj+rjp0CIEUi/fcKYPOn4hliAZMwBmJF9SMARj4+qbyWg/bcekSt
-----END CERTIFICATE-----
`;
const PRIVATE_KEY = `-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgBY3UwXi1m2Pf1hvx
KnP4jGOiYEsSZICvzVJofnaWBtahRANCAASEImCwlANNr8Dl77YW9p8iNMinbl0e
QDjo7Gq9/I/MryWH3R6zgauTJlu20yQcrAecfu70BJ8DSsyMBB3DgohS
-----END PRIVATE KEY-----
`;

let emulator: TelegramEmulator;
let server: Server;

afterEach(async () => {
  await emulator.close();
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

async function httpsWebhook(): Promise<string> {
  server = createServer({ cert: CERTIFICATE, key: PRIVATE_KEY }, (request, response) => {
    request.resume();
    request.on("end", () => response.writeHead(200, { "Content-Length": "0" }).end());
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return `https://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
}

describe("https webhooks", () => {
  it("trust an uploaded self-signed certificate whose CN is the IP, as the server does", async () => {
    emulator = await createTelegramEmulator();
    const url = await httpsWebhook();
    const form = new FormData();
    form.set("url", url);
    form.set("certificate", new Blob([CERTIFICATE]), "cert.pem");
    const reply = await fetch(`${emulator.apiRoot}/bot${emulator.token}/setWebhook`, {
      method: "POST",
      body: form,
    });
    expect(((await reply.json()) as { ok: boolean }).ok).toBe(true);
    emulator.sendUpdate(updates.message());
    await emulator.waitForIdle();
    expect(emulator.deliveries.map((record) => record.outcome)).toEqual(["delivered"]);
    expect(emulator.webhookInfo().has_custom_certificate).toBe(true);
  });

  it("fail with an SSL error when the certificate is not trusted", async () => {
    emulator = await createTelegramEmulator({ timeScale: 0.001 });
    const url = await httpsWebhook();
    await callApi(emulator, "setWebhook", { url });
    emulator.sendUpdate(updates.message());
    const failed = await new Promise((resolve) => emulator.onDelivery(resolve));
    expect(failed).toMatchObject({ outcome: "failed" });
    expect(emulator.webhookInfo().last_error_message).toBe(
      "SSL error {error:0A000086:SSL routines::certificate verify failed}",
    );
  });
});
