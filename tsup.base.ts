import type { Options } from "tsup";

/** How every published package is built: ESM and CJS with type declarations, for Node 20 and up. */
export function packageBuild(entry: string[] = ["src/index.ts"]): Options {
  return { entry, format: ["esm", "cjs"], dts: true, clean: true, sourcemap: true, target: "es2022" };
}
