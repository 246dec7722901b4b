import type { IncomingMessage } from "node:http";
import { telegramWebhook } from "@telehook/aws-lambda";
import type { MountHost } from "./host.js";

/** How long each invocation may run, as a function's timeout. */
const TIMEOUT_MS = 120_000;

/**
 * The Lambda handler behind a function URL, played locally: each request becomes a function URL event
 * (payload 2.0, the body base64-encoded), the handler is invoked with a context whose remaining time counts
 * down, and its result becomes the response. It runs with `answerEarly: true`, so that its answers at the
 * deadline are those of every other host here; the default (the answer waits for onUpdate) has its own
 * tests in packages/aws-lambda.
 */
export const mountAwsLambda: MountHost = (options, path) => {
  const handler = telegramWebhook({ ...options, answerEarly: true });
  return {
    webhook: handler,
    listener: (req, res) => {
      const url = req.url ?? "/";
      const query = url.indexOf("?");
      const requested = query === -1 ? url : url.slice(0, query);
      if (requested !== path && requested !== `${path}/`) {
        res.writeHead(404).end();
        return;
      }
      void readAll(req).then(
        async (body) => {
          const startedAt = performance.now();
          const result = await handler(
            {
              version: "2.0",
              headers: joinedHeaders(req),
              body: body.toString("base64"),
              isBase64Encoded: true,
              requestContext: {
                http: { method: req.method ?? "GET", sourceIp: req.socket.remoteAddress ?? "" },
              },
            },
            { getRemainingTimeInMillis: () => TIMEOUT_MS - (performance.now() - startedAt) },
          );
          res.writeHead(result.statusCode, result.headers ?? {}).end(result.body);
        },
        // The function URL never invokes the function with a body that did not arrive.
        () => res.destroy(),
      );
    },
  };
};

function joinedHeaders(req: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(",") : value;
  }
  return headers;
}

function readAll(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
    req.on("aborted", () => reject(new Error("aborted")));
  });
}
