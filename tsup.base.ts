import type { Options } from "tsup";

/**
 * How every published package is built: ESM and CJS with type declarations, for Node 20 and up.
 * `splitting` is on for CJS as well (tsup turns it on for ESM only by default): a package with several
 * entries then keeps code they share, such as an error class, in one chunk, so `instanceof` holds across
 * its entries instead of each entry carrying its own copy of the class.
 */
export function packageBuild(entry: string[] = ["src/index.ts"]): Options {
  return {
    entry,
    format: ["esm", "cjs"],
    dts: true,
    clean: true,
    sourcemap: true,
    target: "es2022",
    splitting: true,
  };
}
