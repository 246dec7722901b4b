/** A file part of a `multipart/form-data` body. */
export interface UploadedFile {
  /** The `filename` from the part's `Content-Disposition`. */
  readonly filename: string;
  /** The part's `Content-Type`, or `application/octet-stream`. */
  readonly contentType: string;
  /** The file's size in bytes. */
  readonly size: number;
  /** The file's bytes. */
  readonly data: Buffer;
}

/** True when a parameter value is an uploaded file. */
export function isUploadedFile(value: unknown): value is UploadedFile {
  return typeof value === "object" && value !== null && Buffer.isBuffer((value as UploadedFile).data);
}

/** The `boundary` parameter of a multipart content type, or undefined. */
export function multipartBoundary(contentType: string): string | undefined {
  const match = /;\s*boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  return match?.[1] ?? match?.[2];
}

/**
 * Splits a `multipart/form-data` body into fields (strings) and files. Parts without a name are skipped;
 * a body that does not follow the format yields whatever parts came before the damage.
 */
export function parseMultipart(body: Buffer, boundary: string): Map<string, string | UploadedFile> {
  const fields = new Map<string, string | UploadedFile>();
  const delimiter = Buffer.from(`--${boundary}`);
  let position = body.indexOf(delimiter);
  while (position !== -1) {
    const partStart = position + delimiter.length;
    if (body[partStart] === 0x2d && body[partStart + 1] === 0x2d) break; // closing "--boundary--"
    const headerEnd = body.indexOf("\r\n\r\n", partStart);
    if (headerEnd === -1) break;
    const next = body.indexOf(Buffer.from(`\r\n--${boundary}`), headerEnd + 4);
    if (next === -1) break;
    const headers = body.subarray(partStart, headerEnd).toString("utf8");
    const content = body.subarray(headerEnd + 4, next);
    addPart(fields, headers, content);
    position = next + 2;
  }
  return fields;
}

function addPart(fields: Map<string, string | UploadedFile>, headers: string, content: Buffer): void {
  const disposition = /content-disposition:([^\r\n]*)/i.exec(headers)?.[1] ?? "";
  const name = /\bname="([^"]*)"/i.exec(disposition)?.[1];
  if (name === undefined) return;
  const filename = /\bfilename="([^"]*)"/i.exec(disposition)?.[1];
  if (filename === undefined) {
    fields.set(name, content.toString("utf8"));
    return;
  }
  const contentType = /content-type:\s*([^\r\n]*)/i.exec(headers)?.[1]?.trim() || "application/octet-stream";
  fields.set(name, { filename, contentType, size: content.length, data: Buffer.from(content) });
}
