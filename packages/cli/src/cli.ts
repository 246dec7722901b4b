#!/usr/bin/env node
// The `telehook` bin: a thin wrapper, so that everything testable lives in runCli.
import { runCli } from "./run-cli.js";

runCli(process.argv.slice(2), process.env, process).then((code) => {
  process.exitCode = code;
});
