import type { IncomingMessage, ServerResponse } from "node:http";
import type { WebhookControls, WebhookOptions } from "@telehook/core";

/** A webhook mounted in a fresh app of its host, ready to be served by `http.createServer`. */
export interface MountedHost {
  /** The app as a `node:http` request listener. */
  readonly listener: (req: IncomingMessage, res: ServerResponse) => void;
  /** The middleware's controls: `close`, `ready`, `setWebhook`, `handler`, `stats`. */
  readonly webhook: WebhookControls;
}

/**
 * Builds the host's app with telehook's webhook answering at `path`, mounted the way the README shows for
 * that host, and nothing else in it. Synchronous, like `app.use(...)` before `app.listen(...)`, so a
 * `setWebhook` registration (which starts on the next tick) finds the port already listening.
 */
export type MountHost = (options: WebhookOptions, path: string) => MountedHost;
