import { createServer } from "node:http";
import { SECRET_TOKEN, WEBHOOK_PATH } from "../constants.js";
import { countUpdate, serveBenchmark } from "../server-harness.js";

// The floor: node:http alone, the path, a secret check before the body is read, the body read and parsed
// with JSON.parse, the count.
const server = createServer((req, res) => {
  if (req.url !== WEBHOOK_PATH || req.method !== "POST") {
    res.writeHead(404).end();
    return;
  }
  if (req.headers["x-telegram-bot-api-secret-token"] !== SECRET_TOKEN) {
    res.writeHead(401, { connection: "close" }).end();
    return;
  }
  const chunks: Buffer[] = [];
  req.on("data", (chunk: Buffer) => chunks.push(chunk));
  req.on("end", () => {
    let update: { update_id?: unknown } | undefined;
    try {
      update = JSON.parse(Buffer.concat(chunks).toString("utf8"));
    } catch {
      update = undefined;
    }
    if (typeof update?.update_id !== "number") {
      res.writeHead(400).end();
      return;
    }
    countUpdate();
    res.writeHead(200).end();
  });
});
serveBenchmark(server.listen(0, "127.0.0.1"));
