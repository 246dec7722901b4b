import { connect as netConnect, type Socket } from "node:net";
import { checkServerIdentity, type PeerCertificate, connect as tlsConnect } from "node:tls";
import type { AttemptResult } from "./attempt-result.js";
import { describeConnectionError } from "./connection-error.js";
import { HttpResponseParser } from "./http-response-parser.js";
import { interpretWebhookResponse, webhookBodyPolicy } from "./webhook-response.js";
import type { WebhookTarget } from "./webhook-target.js";

/** How to open a connection to the webhook. */
export interface ConnectionTarget {
  readonly target: WebhookTarget;
  /** The uploaded certificate, the only trust root for https when given. */
  readonly certificate: Buffer | undefined;
}

/**
 * One keep-alive connection to the webhook, carrying one request at a time (no pipelining), like the server's
 * HttpOutboundConnection. It reports each request's outcome once, and tells its owner when it can be reused.
 */
export class WebhookConnection {
  readonly #socket: Socket;
  readonly #isTls: boolean;
  readonly #onIdle: (connection: WebhookConnection) => void;
  readonly #onClosed: (connection: WebhookConnection) => void;
  #parser: HttpResponseParser | undefined;
  #report: ((result: AttemptResult) => void) | undefined;
  #written = false;
  #closed = false;

  constructor(
    { target, certificate }: ConnectionTarget,
    onIdle: (connection: WebhookConnection) => void,
    onClosed: (connection: WebhookConnection) => void,
  ) {
    this.#isTls = target.protocol === "https";
    this.#onIdle = onIdle;
    this.#onClosed = onClosed;
    this.#socket = this.#isTls
      ? tlsConnect({
          host: target.ip,
          port: target.port,
          rejectUnauthorized: true,
          ...(target.servername === undefined ? {} : { servername: target.servername }),
          ...(certificate === undefined ? {} : { ca: certificate }),
          ...(certificate !== undefined && target.servername === undefined
            ? { checkServerIdentity: ipAsName }
            : {}),
        })
      : netConnect({ host: target.ip, port: target.port });
    this.#socket.setNoDelay(true);
    this.#socket.setKeepAlive(true);
    this.#socket.on("data", (chunk: Buffer) => this.#onData(chunk));
    this.#socket.on("error", (error: NodeJS.ErrnoException) =>
      this.#fail(describeConnectionError(error, this.#isTls)),
    );
    // A clean close without an answer is retried without recording an error.
    this.#socket.on("end", () => this.#fail(""));
    this.#socket.on("close", () => this.#fail(""));
  }

  /** True once every byte of the current request reached the socket. */
  get written(): boolean {
    return this.#written;
  }

  /** Sends one request; `report` is called exactly once with its outcome. */
  send(request: string, report: (result: AttemptResult) => void): void {
    this.#report = report;
    this.#written = false;
    this.#parser = new HttpResponseParser(webhookBodyPolicy);
    if (this.#closed) {
      queueMicrotask(() => this.#fail(""));
      return;
    }
    this.#socket.write(request, "latin1", () => {
      this.#written = true;
    });
  }

  /** Ends the current request with `error` and closes the connection (deadline, shutdown). */
  abort(error: string): void {
    this.#fail(error);
  }

  #onData(chunk: Buffer): void {
    const parser = this.#parser;
    if (parser === undefined) {
      // Bytes nobody asked for: the connection can no longer be trusted.
      this.#fail("");
      return;
    }
    const parsed = parser.feed(chunk);
    if (parsed.kind === "partial") return;
    if (parsed.kind === "error") {
      this.#fail(parsed.error);
      return;
    }
    const report = this.#report;
    this.#report = undefined;
    this.#parser = undefined;
    const reusable = parsed.response.keepAlive && !parsed.leftover;
    if (!reusable) this.#close();
    // The reply body is read (a multipart one by the platform's parser) before the connection is idle again.
    void interpretWebhookResponse(parsed.response).then((result) => {
      report?.(result);
      if (reusable && !this.#closed) this.#onIdle(this);
    });
  }

  #fail(error: string): void {
    const report = this.#report;
    this.#report = undefined;
    this.#parser = undefined;
    this.#close();
    report?.({ kind: "failed", error });
  }

  #close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#socket.destroy();
    this.#onClosed(this);
  }
}

/**
 * With an uploaded certificate the server matches an IP host like a name, so a self-signed certificate with
 * `CN=<ip>` is accepted; Node alone would look only at IP SANs.
 */
function ipAsName(host: string, certificate: PeerCertificate): Error | undefined {
  const names = (certificate.subjectaltname ?? "")
    .split(", ")
    .map((entry) => entry.replace(/^(DNS|IP Address):/, ""));
  if (certificate.subject?.CN === host || names.includes(host)) return undefined;
  return checkServerIdentity(host, certificate);
}
