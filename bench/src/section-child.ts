import { bindToParent } from "./child.js";
import { measureCorePipeline } from "./core-pipeline.js";
import { measureEmulator } from "./emulator-throughput.js";
import { measureMemory } from "./memory.js";
import { measureSecretTiming } from "./secret-timing.js";

/** The in-process sections, each run in a fresh process: argv[2] names it, argv[3] holds its options. */
const SECTIONS: Record<string, (options: never) => Promise<unknown>> = {
  core: measureCorePipeline,
  memory: measureMemory,
  "secret-timing": measureSecretTiming,
  emulator: measureEmulator,
};

bindToParent();
const [name = "", options = "{}"] = process.argv.slice(2);
const section = SECTIONS[name];
if (!section) throw new Error(`no section named ${name}`);
const result = await section(JSON.parse(options) as never);
process.send?.({ type: "result", result }, () => process.exit(0));
