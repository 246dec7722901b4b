import type { ServerResponse } from "node:http";
import type { Http2ServerResponse } from "node:http2";
import type { WebhookResult } from "@telehook/core";
import { isPlainAnswer } from "@telehook/core/internal";

/** A response as Node's `http`, `https` and `http2` (compatibility API) servers hand it over. */
export type NodeResponse = ServerResponse | Http2ServerResponse;

/**
 * Writes the core's answer onto a Node response as it is: status, headers, body, nothing guessed.
 * `Connection: close`, which the core adds when it answered before reading the body, makes Node close the
 * socket once the answer is written. HTTP/2 has no such header (a stream ends by itself), so it is left
 * out there. A response that was already sent is left alone.
 *
 * @example
 * writeWebhookResult(res, await handler.handle(toWebhookRequest(req)));
 */
export function writeWebhookResult(res: NodeResponse, result: WebhookResult): void {
  if (res.headersSent) return;
  // The usual answer, no body and no header of its own, goes out as a bare route's does: writeHead() then
  // end(), one write with an empty chunked body. An end() without writeHead() corks the socket to write the
  // head, and a Content-Length given to writeHead() is validated as a header: both cost more per request.
  // Headers set on the response before (connect middleware) are kept either way.
  const { status, headers, body } = result;
  if (isPlainAnswer(result)) {
    res.writeHead(status).end();
    return;
  }
  res.statusCode = status;
  // A plain loop over the names: the usual answer has no header, and then nothing is allocated.
  for (const name in headers) {
    if (name === "connection" && "stream" in res) continue;
    res.setHeader(name, headers[name] as string);
  }
  res.end(body);
}
