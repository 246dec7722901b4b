// Hand-written on purpose: models how Telegram's server reads a webhook's HTTP response (its limits, its leniency), which no HTTP client library reproduces.
/** A complete HTTP response, as the webhook side sent it. */
export interface ParsedResponse {
  readonly status: number;
  /** The reason phrase exactly as sent. */
  readonly reason: string;
  /** Header values by lower-cased name; repeated headers joined with ", ". */
  readonly headers: ReadonlyMap<string, string>;
  /** The body, when the caller asked to keep it. */
  readonly body: Buffer;
  /** False for HTTP/1.0 or `Connection: close`. */
  readonly keepAlive: boolean;
}

/** What to do with a body once the headers are known. */
export interface BodyPolicy {
  /** Keep the bytes (otherwise they are only counted and skipped). */
  readonly keep: boolean;
  /** More bytes than this fail the response with `tooLargeError`. */
  readonly limit: number;
  readonly tooLargeError: string;
}

/** The parser's verdict after a chunk: wait for more, a response, or the error the server would record. */
export type ParseResult =
  | { readonly kind: "partial" }
  | { readonly kind: "complete"; readonly response: ParsedResponse; readonly leftover: boolean }
  | { readonly kind: "error"; readonly error: string };

/** Response headers may total at most 256 KiB. */
const MAX_HEADER_BYTES = 256 * 1024;

const PARTIAL: ParseResult = { kind: "partial" };
const HEADER_END = Buffer.from("\r\n\r\n");
const CRLF = Buffer.from("\r\n");

type State = "head" | "length" | "chunk-size" | "chunk-data" | "chunk-crlf" | "trailers" | "done";

/**
 * An incremental HTTP/1.x response reader with the Bot API server's framing rules: the body length comes from
 * Content-Length or chunked encoding, and with neither the body is empty (the connection is not read to its
 * end); other transfer-encodings, other HTTP versions and oversized headers are errors with the server's text.
 */
export class HttpResponseParser {
  #state: State = "head";
  #buffer: Buffer = Buffer.alloc(0);
  #remaining = 0;
  #status = 0;
  #reason = "";
  #headers = new Map<string, string>();
  #keepAlive = true;
  #policy: BodyPolicy = { keep: false, limit: Number.POSITIVE_INFINITY, tooLargeError: "" };
  #bodySize = 0;
  #chunks: Buffer[] = [];
  readonly #decide: (status: number, headers: ReadonlyMap<string, string>) => BodyPolicy | string;

  /**
   * @param decide called once the headers are in: returns how to read the body, or an error text that fails
   * the response right away (e.g. an unsupported Content-Encoding).
   */
  constructor(decide: (status: number, headers: ReadonlyMap<string, string>) => BodyPolicy | string) {
    this.#decide = decide;
  }

  /** Feeds received bytes. */
  feed(chunk: Buffer): ParseResult {
    this.#buffer = this.#buffer.length === 0 ? chunk : Buffer.concat([this.#buffer, chunk]);
    for (;;) {
      const step = this.#step();
      if (step !== undefined) return step;
      if (this.#state === "done") {
        return { kind: "complete", response: this.#response(), leftover: this.#buffer.length > 0 };
      }
    }
  }

  /** One state transition; a result when the caller must be told something, undefined to go on. */
  #step(): ParseResult | undefined {
    switch (this.#state) {
      case "head":
        return this.#readHead();
      case "length":
        return this.#readBytes("done");
      case "chunk-size":
        return this.#readChunkSize();
      case "chunk-data":
        return this.#readBytes("chunk-crlf");
      case "chunk-crlf": {
        if (this.#buffer.length < 2) return PARTIAL;
        this.#buffer = this.#buffer.subarray(2);
        this.#state = "chunk-size";
        return undefined;
      }
      case "trailers":
        return this.#readTrailers();
      default:
        return undefined;
    }
  }

  #readHead(): ParseResult | undefined {
    const end = this.#buffer.indexOf(HEADER_END);
    if (end === -1) {
      return this.#buffer.length > MAX_HEADER_BYTES
        ? { kind: "error", error: "Request Header Fields Too Large: total headers size exceeded" }
        : PARTIAL;
    }
    if (end > MAX_HEADER_BYTES) {
      return { kind: "error", error: "Request Header Fields Too Large: total headers size exceeded" };
    }
    const lines = this.#buffer.subarray(0, end).toString("latin1").split("\r\n");
    this.#buffer = this.#buffer.subarray(end + 4);
    const statusLine = lines[0] ?? "";
    const version = statusLine.slice(0, 8);
    if (version !== "HTTP/1.1" && version !== "HTTP/1.0")
      return { kind: "error", error: "HTTP Version Not Supported" };
    const match = /^HTTP\/1\.[01] (\d{3})(?: (.*))?$/.exec(statusLine);
    if (match === null) return { kind: "error", error: "Bad Request" };
    this.#status = Number(match[1]);
    this.#reason = match[2] ?? "";
    this.#keepAlive = version === "HTTP/1.1";
    for (let i = 1; i < lines.length; i++) {
      const line = lines[i] as string;
      const colon = line.indexOf(":");
      if (colon <= 0) return { kind: "error", error: "Bad Request" };
      const name = line.slice(0, colon).trim().toLowerCase();
      const value = line.slice(colon + 1).trim();
      const previous = this.#headers.get(name);
      this.#headers.set(name, previous === undefined ? value : `${previous}, ${value}`);
    }
    if ((this.#headers.get("connection") ?? "").toLowerCase() === "close") this.#keepAlive = false;

    const decision = this.#decide(this.#status, this.#headers);
    if (typeof decision === "string") return { kind: "error", error: decision };
    this.#policy = decision;
    const transferEncoding = (this.#headers.get("transfer-encoding") ?? "").toLowerCase();
    if (transferEncoding !== "" && transferEncoding !== "identity") {
      if (transferEncoding !== "chunked")
        return { kind: "error", error: "Unimplemented: unsupported transfer-encoding" };
      this.#state = "chunk-size";
      return undefined;
    }
    const length = this.#headers.get("content-length");
    const declared = length === undefined ? 0 : Number(length);
    if (!Number.isSafeInteger(declared) || declared < 0) return { kind: "error", error: "Bad Request" };
    if (declared > decision.limit) return { kind: "error", error: decision.tooLargeError };
    this.#remaining = declared;
    this.#state = declared === 0 ? "done" : "length";
    return undefined;
  }

  /** Takes up to `#remaining` body bytes, then moves to `next`. */
  #readBytes(next: State): ParseResult | undefined {
    if (this.#buffer.length === 0) return PARTIAL;
    const take = Math.min(this.#remaining, this.#buffer.length);
    const error = this.#addBody(this.#buffer.subarray(0, take));
    if (error !== undefined) return error;
    this.#buffer = this.#buffer.subarray(take);
    this.#remaining -= take;
    if (this.#remaining > 0) return PARTIAL;
    this.#state = next;
    return undefined;
  }

  #readChunkSize(): ParseResult | undefined {
    const end = this.#buffer.indexOf(CRLF);
    if (end === -1) return this.#buffer.length > 1024 ? { kind: "error", error: "Bad Request" } : PARTIAL;
    const sizeText = this.#buffer.subarray(0, end).toString("latin1").split(";")[0]?.trim() ?? "";
    this.#buffer = this.#buffer.subarray(end + 2);
    if (!/^[0-9a-fA-F]+$/.test(sizeText)) return { kind: "error", error: "Bad Request" };
    const size = Number.parseInt(sizeText, 16);
    if (size === 0) {
      this.#state = "trailers";
      return undefined;
    }
    this.#remaining = size;
    this.#state = "chunk-data";
    return undefined;
  }

  #readTrailers(): ParseResult | undefined {
    if (this.#buffer.subarray(0, 2).equals(CRLF)) {
      this.#buffer = this.#buffer.subarray(2);
      this.#state = "done";
      return undefined;
    }
    const end = this.#buffer.indexOf(HEADER_END);
    if (end === -1) return PARTIAL;
    this.#buffer = this.#buffer.subarray(end + 4);
    this.#state = "done";
    return undefined;
  }

  #addBody(bytes: Buffer): ParseResult | undefined {
    this.#bodySize += bytes.length;
    if (this.#bodySize > this.#policy.limit) return { kind: "error", error: this.#policy.tooLargeError };
    if (this.#policy.keep && bytes.length > 0) this.#chunks.push(bytes);
    return undefined;
  }

  #response(): ParsedResponse {
    const chunks = this.#chunks;
    return {
      status: this.#status,
      reason: this.#reason,
      headers: this.#headers,
      body: chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks),
      keepAlive: this.#keepAlive,
    };
  }
}
