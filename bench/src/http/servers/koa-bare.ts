import { bodyParser } from "@koa/bodyparser";
import Koa from "koa";
import { SECRET_HEADER, SECRET_TOKEN, WEBHOOK_PATH } from "../constants.js";
import { countUpdate, serveBenchmark } from "../server-harness.js";

// The floor: Koa, @koa/bodyparser (Koa has no body parser of its own), a secret check before the body
// is read, the count.
const app = new Koa();
app.use(async (ctx, next) => {
  if (ctx.path !== WEBHOOK_PATH || ctx.method !== "POST") return;
  if (ctx.get(SECRET_HEADER) !== SECRET_TOKEN) {
    ctx.status = 401;
    return;
  }
  await next();
});
app.use(bodyParser());
app.use((ctx) => {
  const update = ctx.request.body as { update_id?: unknown } | undefined;
  if (typeof update?.update_id !== "number") {
    ctx.status = 400;
    return;
  }
  countUpdate();
  ctx.status = 200;
  ctx.body = "";
});
serveBenchmark(app.listen(0, "127.0.0.1"));
