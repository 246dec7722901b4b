/** OS `strerror` texts for the errno codes a webhook connection can fail with. */
const STRERROR: Readonly<Record<string, string>> = {
  ECONNREFUSED: "Connection refused",
  ECONNRESET: "Connection reset by peer",
  ETIMEDOUT: "Connection timed out",
  EHOSTUNREACH: "No route to host",
  ENETUNREACH: "Network is unreachable",
  EHOSTDOWN: "Host is down",
  ENETDOWN: "Network is down",
  EPIPE: "Broken pipe",
  ECONNABORTED: "Software caused connection abort",
  EADDRNOTAVAIL: "Cannot assign requested address",
  EADDRINUSE: "Address already in use",
  EACCES: "Permission denied",
  EPERM: "Operation not permitted",
};

const CERTIFICATE_VERIFY_FAILED = "SSL error {error:0A000086:SSL routines::certificate verify failed}";

/** The `last_error_message` the server records for a socket or TLS error: the OS `strerror` text, or `SSL error {…}`. */
export function describeConnectionError(error: NodeJS.ErrnoException, isTls: boolean): string {
  const code = error.code ?? "";
  const text = STRERROR[code];
  if (text !== undefined) return text;
  if (isTls) {
    // Node reports certificate verification by reason (DEPTH_ZERO_SELF_SIGNED_CERT, ERR_TLS_CERT_ALTNAME_INVALID,
    // …); OpenSSL in the server reports every such failure the same way.
    const isVerification =
      code === "ERR_TLS_CERT_ALTNAME_INVALID" ||
      (typeof error.errno !== "number" && /^[A-Z0-9_]+$/.test(code) && !code.startsWith("ERR_"));
    return isVerification ? CERTIFICATE_VERIFY_FAILED : `SSL error {${error.message}}`;
  }
  return error.message;
}
