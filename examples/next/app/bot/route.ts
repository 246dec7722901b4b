import { after } from "next/server";
import { botWebhook } from "../../lib/webhook";

// Telegram POSTs every update here: https://<your-app>/bot
export function POST(request: Request): Promise<Response> {
  // An update still running at the deadline is answered at once and finishes in after(), which keeps the
  // function alive on Vercel and runs after the response on `next start`.
  return botWebhook()(request, { waitUntil: (promise) => after(promise) });
}
