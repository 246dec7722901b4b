import { describe, expect, test } from "vitest";
import { describeRestartRun, runRestarts } from "./support/restart-run.js";
import { runSeed } from "./support/seeded-random.js";

/**
 * Restarts mid-stream (issue 8). The webhook server runs in its own process on a fixed port; updates stream
 * from the emulator while the server is stopped twice and started again on the same port.
 * - SIGKILL: no drain, no answer to the requests in flight. Telegram never heard back about those, so it
 *   sends them again (connection refused → backoff), and the new process, with no dedupe memory, handles
 *   them: at least once, never lost, and twice only for the deliveries the kill cut.
 * - SIGKILL with slow handlers: an update the deadline already answered and that had not finished at the
 *   kill — still running, or waiting behind its chat's slow update — is lost (Telegram got its 200): exactly
 *   those, and no other.
 * - SIGTERM: the server calls `webhook.close()` (new requests get 503 + Retry-After, in-flight work —
 *   early-acknowledged slow handlers included — finishes), closes its listener and exits: exactly once.
 *
 * Replay with `TELEHOOK_RELIABILITY_SEED=<seed>`.
 */
const SEED = runSeed();
console.log(`reliability: seed ${SEED} (TELEHOOK_RELIABILITY_SEED=${SEED} to replay)`);

describe("restarts mid-stream (express)", () => {
  test("SIGKILL twice: nothing lost; handled twice only if in flight at a kill", {
    timeout: 90_000,
  }, async () => {
    const report = await runRestarts({
      adapter: "express",
      interruption: "kill",
      updates: 2000,
      chats: 100,
      seed: SEED,
    });
    console.log(describeRestartRun(report));
    expect(report.violations, report.violations.slice(0, 25).join("\n")).toEqual([]);
    expect(report.account.handled).toBe(report.updates);
    expect(report.account.processes).toBe(3);
    // The kills really cut deliveries short: otherwise this proves nothing about redelivery.
    expect(report.inFlightAtKill).toBeGreaterThan(0);
    expect(report.emulator.cut + report.emulator.refused).toBeGreaterThan(0);
    expect(report.account.duplicateIds.length).toBeLessThanOrEqual(report.inFlightAtKill);
    expect(report.account.lostAfterEarlyAnswer).toEqual([]);
    expect(report.emulator.pendingAfterIdle).toBe(0);
  });

  test("SIGKILL with slow handlers: the only updates lost are those answered early and unfinished at the kill", {
    timeout: 90_000,
  }, async () => {
    // The price of the early answer, measured: Telegram got 200, so nobody sends these again. close() on
    // SIGTERM (the next test) waits for them instead.
    const report = await runRestarts({
      adapter: "express",
      interruption: "kill",
      updates: 2000,
      chats: 100,
      seed: SEED,
      rates: { flaky: 0, poison: 0, slow: 0.05, slowFail: 0, resetBefore: 0, cutBody: 0, loseAnswer: 0 },
    });
    console.log(describeRestartRun(report));
    expect(report.violations, report.violations.slice(0, 25).join("\n")).toEqual([]);
    expect(report.account.answeredEarlyThenKilled).toBeGreaterThan(0);
    expect(report.account.lostAfterEarlyAnswer.length).toBeLessThanOrEqual(
      report.account.answeredEarlyThenKilled,
    );
    expect(report.account.handled + report.account.lostAfterEarlyAnswer.length).toBe(report.updates);
  });

  test("SIGTERM twice, with close(): nothing lost, nothing handled twice", { timeout: 90_000 }, async () => {
    const report = await runRestarts({
      adapter: "express",
      interruption: "graceful",
      updates: 2000,
      chats: 100,
      seed: SEED,
      // Slow handlers, answered early at the deadline, are still running when SIGTERM comes: close() must
      // wait for them, since Telegram will not send them again.
      rates: { flaky: 0, poison: 0, slow: 0.03, slowFail: 0, resetBefore: 0, cutBody: 0, loseAnswer: 0 },
    });
    console.log(describeRestartRun(report));
    expect(report.violations, report.violations.slice(0, 25).join("\n")).toEqual([]);
    expect(report.account.handled).toBe(report.updates);
    expect(report.account.processes).toBe(3);
    expect(report.account.duplicateIds).toEqual([]);
    expect(report.account.cutShort).toBe(0);
    expect(report.account.lostAfterEarlyAnswer).toEqual([]);
    expect(report.emulator.pendingAfterIdle).toBe(0);
  });
});
