#!/usr/bin/env node
// The `telehook` bin: a thin wrapper, so that everything testable lives in runCli.
import { runCli } from "./run-cli.js";

// Ctrl-C (or SIGTERM) stops `listen` and `emulator` cleanly; a second Ctrl-C exits at once.
const controller = new AbortController();
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    controller.abort();
    process.once(signal, () => process.exit(130));
  });
}
runCli(process.argv.slice(2), process.env, process, { signal: controller.signal })
  .then((code) => {
    process.exitCode = code;
    // A finished command leaves no handlers behind that would keep the process alive.
    process.removeAllListeners("SIGINT");
    process.removeAllListeners("SIGTERM");
  })
  // runCli answers every failure with an exit code; this is only for a bug in it.
  .catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
