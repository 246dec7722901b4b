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

/**
 * Splits a `multipart/form-data` body into fields (strings) and files, with the platform's parser (the web
 * `Request.formData()`). When a name repeats, the last part wins. A body that does not follow the format
 * (no boundary, a damaged part) yields no fields.
 */
export async function parseMultipart(
  body: Uint8Array,
  contentType: string,
): Promise<Record<string, string | UploadedFile>> {
  let form: FormData;
  try {
    form = await new Request("http://emulator.invalid/", {
      method: "POST",
      headers: { "content-type": contentType },
      body: new Uint8Array(body),
    }).formData();
  } catch {
    return {};
  }
  const fields: Record<string, string | UploadedFile> = {};
  for (const [name, value] of form) {
    if (typeof value === "string") {
      fields[name] = value;
      continue;
    }
    const data = Buffer.from(await value.arrayBuffer());
    fields[name] = {
      filename: value.name,
      contentType: value.type || "application/octet-stream",
      size: data.length,
      data,
    };
  }
  return fields;
}
