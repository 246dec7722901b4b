/// <reference path="./express4.d.ts" />
/**
 * The one list of hosts that the end-to-end tests, the reliability suite, the soak and the bench run: each
 * host is a framework (or platform) with telehook's adapter mounted the way the README shows. A new
 * adapter is one entry here and one file beside it; every harness then runs it.
 */
import type { FastifyInstance } from "fastify";
import type { MountHost } from "./host.js";

export type { MountedHost, MountHost } from "./host.js";

/** Every host, by name. */
export const HOST_NAMES = [
  "express",
  "express 4",
  "hono",
  "koa",
  "node",
  "fastify",
  "fastify 4",
  "aws-lambda",
] as const;
export type HostName = (typeof HOST_NAMES)[number];

/** One host of the list. */
export interface Host {
  readonly name: HostName;
  /**
   * The framework under which the bench measures this host, beside that framework's bare route and
   * grammY's adapter (`bench/src/http/servers/<bench>-bare.ts` and `-grammy.ts`): one host per framework,
   * its current major. Absent for hosts the bench does not measure.
   */
  readonly bench?: string;
  /** Loads this host's framework and adapter, and nothing of the others. */
  load(): Promise<MountHost>;
}

/** The hosts, in the order the harnesses run them. */
export const HOSTS: readonly Host[] = [
  {
    name: "express",
    bench: "express",
    load: async () => (await import("./express.js")).mountExpressOn((await import("express")).default),
  },
  {
    name: "express 4",
    load: async () => (await import("./express.js")).mountExpressOn((await import("express4")).default),
  },
  { name: "hono", bench: "hono", load: async () => (await import("./hono.js")).mountHono },
  { name: "koa", bench: "koa", load: async () => (await import("./koa.js")).mountKoa },
  { name: "node", bench: "node", load: async () => (await import("./node.js")).mountNode },
  {
    name: "fastify",
    bench: "fastify",
    load: async () => {
      const { default: fastify } = await import("fastify");
      return (await import("./fastify.js")).mountFastifyOn((options) => fastify(options));
    },
  },
  {
    name: "fastify 4",
    load: async () => {
      const { default: fastify4 } = await import("fastify4");
      // Fastify 4's instance type differs in details the mount does not use.
      const create = (options: object) => fastify4(options) as unknown as FastifyInstance;
      return (await import("./fastify.js")).mountFastifyOn(create);
    },
  },
  { name: "aws-lambda", load: async () => (await import("./aws-lambda.js")).mountAwsLambda },
];

/** The host named `name`; throws for a name that is not in the list. */
export function hostNamed(name: string): Host {
  const host = HOSTS.find((candidate) => candidate.name === name);
  if (!host) throw new Error(`no host "${name}"; the hosts are ${HOST_NAMES.join(", ")}`);
  return host;
}

/** Loads every host's mount function, for a harness that mounts any of them synchronously. */
export async function loadHosts(): Promise<Record<HostName, MountHost>> {
  const loaded = await Promise.all(HOSTS.map(async (host) => [host.name, await host.load()] as const));
  return Object.fromEntries(loaded) as Record<HostName, MountHost>;
}

/** The frameworks the bench measures, each with the host it runs for telehook's variant. */
export function benchFrameworks(): readonly { framework: string; host: HostName }[] {
  return HOSTS.flatMap((host) => (host.bench ? [{ framework: host.bench, host: host.name }] : []));
}
