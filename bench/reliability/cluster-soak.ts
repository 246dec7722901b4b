/**
 * The several-instances proof at full size (issue 12): 20,000 updates over 500 chats by default, into three
 * server processes (Express, Hono, Koa) sharing one Redis behind a round-robin proxy; one instance is
 * SIGKILLed and restarted after a third, Redis restarted after two thirds. Then the memory-store control.
 * `e2e/test/reliability/several-instances.test.ts` runs the same at a size that fits the test command.
 *
 * Run it from the repository root:
 *
 *   node --conditions=@telehook/source --import tsx bench/reliability/cluster-soak.ts [options]
 *     --updates N      updates to send (default 20000)
 *     --chats N        chats to spread them over (default 500)
 *     --seed N         the fault plan's seed (default: fresh; TELEHOOK_RELIABILITY_SEED works too)
 *     --no-control     skip the memory-store control run
 *
 * Needs redis-server on PATH (or TELEHOOK_REDIS_URL, without the Redis restart). Exit code 0 when every
 * check held, 1 when one did not.
 */
import { parseArgs } from "node:util";
import {
  type ClusterRunReport,
  describeClusterRun,
  runCluster,
} from "../../e2e/test/reliability/support/cluster-run.js";
import { runSeed } from "../../e2e/test/reliability/support/seeded-random.js";

const { values } = parseArgs({
  options: {
    updates: { type: "string", default: "20000" },
    chats: { type: "string", default: "500" },
    seed: { type: "string" },
    "no-control": { type: "boolean", default: false },
  },
});
const updates = Number(values.updates);
const chats = Number(values.chats);
const seed = values.seed === undefined ? runSeed() : Number(values.seed);
const log = (line: string) => console.error(`  ${line}`);

/** What must hold in the Redis run; empty when it did. */
function problemsOf(report: ClusterRunReport): string[] {
  const { account } = report;
  const problems = [...report.violations];
  const ended = account.handled + account.deadLetters + account.lostAfterEarlyAnswer.length;
  if (ended !== updates) problems.push(`${ended} of ${updates} updates ended`);
  if (account.overlaps + account.outOfOrder > 0)
    problems.push("a chat's runs overlapped or ran out of order");
  if (account.duplicateIds.length > report.inFlightAtKill)
    problems.push("more duplicates than in flight at the kill");
  if (report.emulator.pendingAfterIdle !== 0) problems.push("updates still pending");
  return problems;
}

console.error(`cluster soak: seed ${seed}, ${updates} updates over ${chats} chats`);
const redisRun = await runCluster({
  store: "redis",
  updates,
  chats,
  seed,
  kill: true,
  restartRedis: true,
  redisDownMs: 1000,
  log,
});
console.log(describeClusterRun(redisRun));
const problems = problemsOf(redisRun);
console.log(
  problems.length === 0
    ? "redis run: every check held"
    : `redis run: FAILED\n  ${problems.slice(0, 25).join("\n  ")}`,
);
let controlCaught = true;
if (!values["no-control"]) {
  const control = await runCluster({ store: "memory", updates, chats, seed, log });
  console.log(describeClusterRun(control));
  const { account } = control;
  controlCaught = account.overlaps + account.outOfOrder + account.duplicateIds.length > 0;
  console.log(
    controlCaught ? "control: the check caught the memory store" : "control: FAILED to catch anything",
  );
}
process.exitCode = problems.length === 0 && controlCaught ? 0 : 1;
