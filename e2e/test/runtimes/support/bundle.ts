import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const APP_DIR = fileURLToPath(new URL("../app/", import.meta.url));

/**
 * Bundles one entry of `../app/` with the workspace packages, from their TypeScript source, into one ESM file
 * that Bun, Deno and workerd load as it is. Returns the file's path.
 */
export async function bundleApp(entry: string): Promise<string> {
  const outdir = await mkdtemp(join(tmpdir(), "telehook-runtime-"));
  const outfile = join(outdir, entry.replace(/\.ts$/, ".js"));
  await build({
    entryPoints: [join(APP_DIR, entry)],
    outfile,
    bundle: true,
    format: "esm",
    platform: "neutral",
    target: "es2022",
    mainFields: ["module", "main"],
    conditions: ["@telehook/source", "worker", "import"],
    logLevel: "error",
  });
  return outfile;
}
