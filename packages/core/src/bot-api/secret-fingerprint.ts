/**
 * Telegram never reveals a webhook's secret token, so a changed secret cannot be seen in `getWebhookInfo`.
 * telehook therefore registers the URL with one extra query parameter, `telehook=<fingerprint>`, where the
 * fingerprint is derived from the secret (and the certificate, if any) with a one-way, keyed function:
 *
 *     PBKDF2-HMAC-SHA256(password = secret token,
 *                        salt = "telehook-webhook-v1\n" + URL without the parameter + "\n" + SHA-256(certificate) in hex,
 *                        100000 iterations) → first 128 bits, base64url (22 characters)
 *
 * - A changed secret or certificate changes the registered URL, which `getWebhookInfo` does return, so
 *   `ensureWebhook` sees the difference and calls `setWebhook` once; an unchanged one yields the same URL.
 * - The fingerprint reveals nothing usable about the secret: it is keyed by it, salted with the URL, and
 *   stretched, so even someone who reads the URL in an access log can only test guesses, slowly — a random
 *   secret of 20+ characters makes that hopeless. It never appears elsewhere: the secret itself is not sent
 *   anywhere but to Telegram.
 * - Routers match paths and ignore the query string (Express, Hono, Koa, fetch handlers), so the user's route
 *   still matches the requests Telegram makes to the URL with the parameter.
 * - Without a secret and without a certificate there is no parameter: the URL is registered as given.
 *
 * Uses Web Crypto only, so it runs on every runtime.
 */

/** The query parameter that carries the fingerprint. */
const FINGERPRINT_PARAM = "telehook";
const ITERATIONS = 100_000;
const encoder = new TextEncoder();

/** Inputs of {@link webhookFingerprint}. */
export interface FingerprintInput {
  /** The webhook URL without the fingerprint parameter. */
  readonly baseUrl: string;
  /** The secret token, if any. */
  readonly secretToken?: string | undefined;
  /** The custom certificate, if any. */
  readonly certificate?: Blob | undefined;
}

/** The fingerprint for a webhook config, or `undefined` when there is neither a secret nor a certificate. */
export async function webhookFingerprint({
  baseUrl,
  secretToken,
  certificate,
}: FingerprintInput): Promise<string | undefined> {
  if (secretToken === undefined && certificate === undefined) return undefined;
  const certificateHash = certificate
    ? toHex(await crypto.subtle.digest("SHA-256", await certificate.arrayBuffer()))
    : "";
  const salt = encoder.encode(`telehook-webhook-v1\n${baseUrl}\n${certificateHash}`);
  if (secretToken === undefined) {
    // Only the certificate (public) to account for: a plain hash is enough.
    return toBase64Url(new Uint8Array(await crypto.subtle.digest("SHA-256", salt)).slice(0, 16));
  }
  const key = await crypto.subtle.importKey("raw", encoder.encode(secretToken), "PBKDF2", false, [
    "deriveBits",
  ]);
  const bits = await crypto.subtle.deriveBits(
    { name: "PBKDF2", hash: "SHA-256", salt, iterations: ITERATIONS },
    key,
    128,
  );
  return toBase64Url(new Uint8Array(bits));
}

/** Adds `telehook=<fingerprint>` as the last query parameter; returns the URL unchanged for `undefined`. */
export function withFingerprint(baseUrl: string, fingerprint: string | undefined): string {
  if (fingerprint === undefined) return baseUrl;
  return `${baseUrl}${baseUrl.includes("?") ? "&" : "?"}${FINGERPRINT_PARAM}=${fingerprint}`;
}

/**
 * Splits a URL into the URL without any `telehook=` parameter and the fingerprint it carried. The rest of
 * the query is kept byte for byte, so the user's own parameters are never re-encoded.
 */
export function splitFingerprint(url: string): { baseUrl: string; fingerprint: string | undefined } {
  const queryStart = url.indexOf("?");
  if (queryStart === -1) return { baseUrl: url, fingerprint: undefined };
  let fingerprint: string | undefined;
  const kept = url
    .slice(queryStart + 1)
    .split("&")
    .filter((part) => {
      const [name = "", value = ""] = part.split("=", 2);
      if (name !== FINGERPRINT_PARAM) return true;
      fingerprint = value;
      return false;
    });
  const query = kept.join("&");
  return {
    baseUrl: query === "" ? url.slice(0, queryStart) : `${url.slice(0, queryStart)}?${query}`,
    fingerprint,
  };
}

/** The URL without its `telehook=` parameter. */
export function removeFingerprint(url: string): string {
  return splitFingerprint(url).baseUrl;
}

function toHex(buffer: ArrayBuffer): string {
  return Array.from(new Uint8Array(buffer), (byte) => byte.toString(16).padStart(2, "0")).join("");
}

function toBase64Url(bytes: Uint8Array): string {
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}
