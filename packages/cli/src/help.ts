/** The `--help` text. */
export const HELP = `telehook: inspect and manage a Telegram bot's webhook, and develop one locally.

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
  telehook listen --forward <url> [--delete-webhook]       (see telehook listen --help)
  telehook emulator [--port <n>]                           (see telehook emulator --help)

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
  listen  Relay real Telegram updates to a local webhook (getUpdates in, Telegram-style POSTs out).
  emulator  Run the offline Telegram emulator with a browser chat and inspector.

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

/** The \`listen --help\` text. */
export const LISTEN_HELP = `telehook listen: deliver a bot's real updates to a local webhook, as Telegram would.

Usage:
  telehook listen --forward http://localhost:3000/bot [--delete-webhook]

It long-polls getUpdates for the bot in TELEGRAM_BOT_TOKEN (use a separate dev bot) and POSTs each
update to --forward with Telegram's headers, the secret from WEBHOOK_SECRET, and the same ASCII body;
one update in flight per chat; retries with Telegram's backoff (0, 2, 4 … s, up to 60-120 s) and
Retry-After; a Bot API call in a 2xx reply body is executed. An update is confirmed to Telegram only
after a 2xx, so nothing is lost while your server is down. One line per delivery: time, update_id,
type, status, latency, attempt. Ctrl-C stops it; undelivered updates stay with Telegram.

Options:
  --forward <url>          The local webhook (required).
  --delete-webhook         If the bot has a webhook set, delete it first (pending updates are kept)
                           and print how to restore it. Without it, listen refuses to start.
  --secret-token <secret>  Sent as X-Telegram-Bot-Api-Secret-Token (default WEBHOOK_SECRET).
  --api-root <url>         Bot API server (default TELEGRAM_API_ROOT, else api.telegram.org).
  --max-connections <n>    Deliveries in flight at once, each to a different chat (default 40).
  --poll-timeout <s>       Long-poll timeout, at most 50 (default 50).
`;

/** The \`emulator --help\` text. */
export const EMULATOR_HELP = `telehook emulator: an offline Telegram Bot API server with a browser chat and inspector.

Usage:
  telehook emulator [--port 8081] [--host 127.0.0.1] [--production]

Point your bot at the printed API root (e.g. TELEGRAM_API_ROOT=http://127.0.0.1:8081), let it call
setWebhook (or getUpdates), and open the printed page: type as a user, tap inline buttons, and watch
every delivery and Bot API call. Any language or framework works. The page shows the bot whose token is
in TELEGRAM_BOT_TOKEN (it is never printed), else the emulator's test bot, whose token is printed; any
other well-formed token is a bot of its own. Ctrl-C stops it.

Options:
  --port <n>       Port to listen on (default 8081; 0 picks a free one).
  --host <ip>      Interface to listen on (default 127.0.0.1).
  --production     Production rules (https, ports 80/88/443/8443, max_connections 40) except that
                   webhooks on localhost are accepted.
`;
