import {
  createWebhookHandler,
  type WebhookControls,
  type WebhookOptions,
  webhookControls,
} from "@telehook/core";
import { bodyParserResult, type NodeRequest, toWebhookRequest } from "./incoming-request.js";
import { webhookPathMatcher } from "./path-matcher.js";
import { type NodeResponse, writeWebhookResult } from "./write-result.js";

/**
 * Options of the Node `telegramWebhook`: the core's options and the path to answer on.
 * @see https://github.com/telehook/telehook#nodehttp-connect-and-polka
 */
export interface NodeWebhookOptions extends WebhookOptions {
  /**
   * The path the webhook answers, such as `"/bot"`, with or without a trailing slash and with any query
   * string. Other paths go to `next()` when the server passes one (connect, polka), and get 404 when it
   * does not (`http.createServer`). Leave it out when a router already chose the path, as connect's
   * `app.use("/bot", ...)` does: every request that reaches the webhook is then answered.
   * @default undefined (answer every request)
   * @see https://github.com/telehook/telehook#nodehttp-connect-and-polka
   */
  path?: string;
}

/**
 * A request listener for `http.createServer`, `https.createServer` and `http2`'s compatibility API, and a
 * connect-style middleware when called with `next`. It also carries the core handler and its controls:
 * `close()` to drain before shutdown, `ready` and `setWebhook()` for the webhook registration.
 */
export type NodeWebhookListener = ((
  req: NodeRequest,
  res: NodeResponse,
  next?: (error?: unknown) => void,
) => void) &
  WebhookControls;

/**
 * Builds the Node listener. A `req.body` that a body parser (`body-parser` under connect) kept is used
 * when the stream was already read. Throws a `TelehookError` at once when an option is wrong.
 *
 * @example
 * http.createServer(telegramWebhook({ path: "/bot", secretToken, onUpdate })).listen(3000);
 */
export function telegramWebhook(options: NodeWebhookOptions): NodeWebhookListener {
  const { path, ...webhookOptions } = options;
  const isWebhookPath = webhookPathMatcher(path);
  const handler = createWebhookHandler(webhookOptions);
  const listener = (req: NodeRequest, res: NodeResponse, next?: (error?: unknown) => void): void => {
    const url = req.url ?? "/";
    const query = url.indexOf("?");
    if (!isWebhookPath(query === -1 ? url : url.slice(0, query))) {
      if (next) next();
      else notFound(res);
      return;
    }
    // handle() never rejects, so one `then` is enough.
    void handler.handle(toWebhookRequest(req, bodyParserResult(req))).then((result) => {
      try {
        writeWebhookResult(res, result);
      } catch (error) {
        // Only a broken response object gets here; the core itself never throws.
        if (next) next(error);
        else res.destroy();
      }
    });
  };
  return Object.assign(listener, webhookControls(handler));
}

function notFound(res: NodeResponse): void {
  if (res.headersSent) return;
  res.statusCode = 404;
  res.setHeader("content-type", "text/plain; charset=utf-8");
  res.end("Not Found");
}
