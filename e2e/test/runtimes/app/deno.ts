// The remote webhook server on Deno: `deno run --allow-net deno.js`, prints the port it listens on.
import { handleRequest } from "./remote-webhook.js";

declare const Deno: {
  serve(
    options: { hostname: string; port: number; onListen(address: { port: number }): void },
    handler: (request: Request, info: { remoteAddr: { hostname: string } }) => Promise<Response>,
  ): unknown;
};

Deno.serve(
  { hostname: "127.0.0.1", port: 0, onListen: ({ port }) => console.log(`listening on ${port}`) },
  (request, info) => handleRequest(request, { remoteAddress: info.remoteAddr.hostname }),
);
