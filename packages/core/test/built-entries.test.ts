import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

// What a user installs is the built dist, not the source the other tests run. `@telehook/core` has two
// entries ("." and "./internal"); an error made through one must be an instance of the class the other
// exports, in ESM and in CJS, or `instanceof TelehookError` silently fails for whoever mixes them.

interface CoreEntry {
  TelehookError: new (code: "invalid_options", detail: string) => Error;
}
interface InternalEntry {
  toTelehookError(caught: unknown, code: "invalid_options", detail: string): Error;
}

const require = createRequire(import.meta.url);
const coreDir = resolve(import.meta.dirname, "..");
const dist = join(coreDir, "dist");
const tsup = (args: string[]) =>
  execFileSync(process.execPath, [require.resolve("tsup/dist/cli-default.js"), ...args], {
    cwd: coreDir,
    stdio: "pipe",
  });
let unsplit = "";

beforeAll(() => {
  // The package's own build (tsup.config.ts), as `pnpm build` makes it: takes a few seconds.
  tsup([]);
  // The control: the same two entries built to CJS without code splitting, tsup's default for CJS.
  unsplit = mkdtempSync(join(tmpdir(), "telehook-core-unsplit-"));
  tsup([
    "src/index.ts",
    "src/internal.ts",
    "--no-config",
    "--format",
    "cjs",
    "--no-splitting",
    "-d",
    unsplit,
  ]);
}, 120_000);

afterAll(() => {
  if (unsplit) rmSync(unsplit, { recursive: true, force: true });
});

/** Whether both entries agree on what a TelehookError is, both ways round. */
function sharesErrorClass(core: CoreEntry, internal: InternalEntry) {
  const fromInternal = internal.toTelehookError(new Error("boom"), "invalid_options", "wrapped");
  const fromCore = new core.TelehookError("invalid_options", "made by the public entry");
  return {
    internalErrorIsPublicClass: fromInternal instanceof core.TelehookError,
    publicErrorKeptByInternal: internal.toTelehookError(fromCore, "invalid_options", "wrapped") === fromCore,
  };
}

describe("the built @telehook/core entries share one TelehookError", () => {
  it("ESM: import of dist/index.js and dist/internal.js", async () => {
    const core = (await import(pathToFileURL(join(dist, "index.js")).href)) as CoreEntry;
    const internal = (await import(pathToFileURL(join(dist, "internal.js")).href)) as InternalEntry;
    expect(sharesErrorClass(core, internal)).toEqual({
      internalErrorIsPublicClass: true,
      publicErrorKeptByInternal: true,
    });
  });

  it("CJS: require of dist/index.cjs and dist/internal.cjs", () => {
    const core = require(join(dist, "index.cjs")) as CoreEntry;
    const internal = require(join(dist, "internal.cjs")) as InternalEntry;
    expect(sharesErrorClass(core, internal)).toEqual({
      internalErrorIsPublicClass: true,
      publicErrorKeptByInternal: true,
    });
  });

  it("control: a CJS build without code splitting gives each entry its own class, and this check sees it", () => {
    const core = require(join(unsplit, "index.cjs")) as CoreEntry;
    const internal = require(join(unsplit, "internal.cjs")) as InternalEntry;
    expect(sharesErrorClass(core, internal)).toEqual({
      internalErrorIsPublicClass: false,
      publicErrorKeptByInternal: false,
    });
  });
});
