// The remote webhook server as a Workers module: workerd passes its `ctx` (with `waitUntil`) as it is.
import { handleRequest, type RuntimeContext } from "./remote-webhook.js";

export default {
  fetch: (request: Request, _env: unknown, ctx: RuntimeContext) => handleRequest(request, ctx),
};
