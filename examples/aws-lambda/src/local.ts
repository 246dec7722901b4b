/**
 * Runs the function on this machine, as a function URL would call it:
 *   BOT_TOKEN=... WEBHOOK_SECRET=... PORT=3000 pnpm start
 * Each HTTP request becomes a function URL event (payload 2.0), and the handler's result becomes the
 * response. For trying the bot out behind a tunnel; in production Lambda does this.
 */
import { createServer } from "node:http";

const { handler } = await import("./handler.js");
const port = Number(process.env.PORT ?? 3000);
const TIMEOUT_MS = 30_000;

createServer(async (req, res) => {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(",") : value;
  }
  const startedAt = Date.now();
  const result = await handler(
    {
      version: "2.0",
      headers,
      body: Buffer.concat(chunks).toString("base64"),
      isBase64Encoded: true,
      requestContext: { http: { method: req.method ?? "GET", sourceIp: req.socket.remoteAddress ?? "" } },
    },
    { getRemainingTimeInMillis: () => TIMEOUT_MS - (Date.now() - startedAt) },
  );
  res.writeHead(result.statusCode, result.headers ?? {}).end(result.body);
}).listen(port, () => console.log(`the function answers on http://localhost:${port}/`));
