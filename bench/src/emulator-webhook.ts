import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { bindToParent } from "./child.js";

/** What the fast webhook counted. */
export interface WebhookCounts {
  readonly type: "counts";
  readonly received: number;
  readonly distinct: number;
  readonly rejected: number;
}

// A fast webhook for the emulator benchmark: bare node:http, reads the body, checks the secret, answers 200.
bindToParent();
const secret = process.argv[2] ?? "";
const seen = new Set<number>();
let received = 0;
let rejected = 0;
const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on("data", (chunk: Buffer) => chunks.push(chunk));
  req.on("end", () => {
    if (req.headers["x-telegram-bot-api-secret-token"] !== secret) {
      rejected++;
      res.statusCode = 401;
      res.end();
      return;
    }
    const id = /^\{"update_id":(\d+)/.exec(Buffer.concat(chunks).toString("latin1"))?.[1];
    received++;
    if (id !== undefined) seen.add(Number(id));
    res.end();
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, "127.0.0.1", () => {
  process.send?.({ type: "ready", port: (server.address() as AddressInfo).port });
});
process.on("message", (message: { type?: string }) => {
  if (message.type === "counts") {
    process.send?.({ type: "counts", received, distinct: seen.size, rejected } satisfies WebhookCounts);
  } else if (message.type === "close") {
    server.closeAllConnections();
    server.close();
    process.exit(0);
  }
});
