/** The `--help` text. */
export const HELP = `telehook: inspect and manage a Telegram bot's webhook.

Usage:
  telehook info   [--json]
  telehook set    --url <url> [--secret-token <secret>] [--max-connections <1-100>]
                  [--allowed-updates <type,type,...>] [--ip-address <ipv4>]
                  [--certificate <pem-file>] [--drop-pending-updates] [--force]
  telehook delete [--drop-pending-updates]
  telehook check  [--url <url>] [--secret-token <secret>] [--max-connections <n>]
                  [--allowed-updates <types>] [--ip-address <ipv4>] [--certificate <pem-file>]
                  [--max-pending <n>] [--max-error-age <seconds>]
                  [--health <url>] [--max-run-age <seconds>] [--json]

Commands:
  info    Show getWebhookInfo: URL, pending updates, last delivery error (times as ISO 8601).
  set     Register the webhook, validated first. Calls setWebhook only when something differs
          (telehook's URL fingerprint detects a changed secret); --force calls it anyway.
          --drop-pending-updates discards queued updates and implies --force.
  delete  Remove the webhook. Pending updates are kept unless --drop-pending-updates is given.
  check   Compare the webhook with the local config and report problems: no webhook, URL,
          secret or settings mismatch, a recent delivery error while updates wait, too many
          pending updates. With --health, also reads the webhook's handler.stats() from that
          URL: in flight, queued, outcomes; a failing store or a run older than --max-run-age
          is a problem. Exit code 0 when healthy, 1 when there are problems.

Environment:
  TELEGRAM_BOT_TOKEN  The bot token (required). It is read only from the environment: a token
                      on the command line would end up in shell history and process lists.
                      telehook never prints it.
  TELEGRAM_API_ROOT   Bot API server, e.g. http://127.0.0.1:8081 (default https://api.telegram.org).
  WEBHOOK_URL         Default for --url.
  WEBHOOK_SECRET      Default for --secret-token (preferred over the flag, for the same reason).

Options:
  --api-root <url>          Bot API server; overrides TELEGRAM_API_ROOT.
  --local                   Treat the server as a local Bot API server (http, any port and IP
                            allowed). Detected automatically for loopback and private hosts.
  --allow-unauthenticated   set: register without a secret token.
  --max-wait <ms>           Total time for retries after 429s and network failures (default 30000).
  --max-pending <n>         check: pending updates counted as a problem (default 100).
  --max-error-age <s>       check: a delivery error younger than this, while updates are pending,
                            is a problem (default 600).
  --health <url>            check: a route serving handler.stats() as JSON, read beside
                            getWebhookInfo.
  --max-run-age <s>         check --health: a run of onUpdate older than this is a problem
                            (default 60).
  --json                    info, check: print JSON.
  -h, --help                Show this help.

Exit codes: 0 success or healthy, 1 failure or problems found, 2 usage error.
`;
