// The remote webhook server on Bun: `bun run bun.js`, prints the port it listens on.
import { handleRequest } from "./remote-webhook.js";

declare const Bun: {
  serve(options: {
    hostname: string;
    port: number;
    idleTimeout: number;
    fetch(
      request: Request,
      server: { requestIP(request: Request): { address: string } | null },
    ): Promise<Response>;
  }): { port: number };
};

const server = Bun.serve({
  hostname: "127.0.0.1",
  port: 0,
  idleTimeout: 60,
  fetch: (request, server) => handleRequest(request, { remoteAddress: server.requestIP(request)?.address }),
});
console.log(`listening on ${server.port}`);
