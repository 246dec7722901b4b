import { createRequire } from "node:module";
import { join } from "node:path";
import { expect, test } from "vitest";

const root = join(import.meta.dirname, "../../..");
// esbuild, as the repository's build (tsup) has it.
const fromTsup = createRequire(createRequire(join(root, "package.json")).resolve("tsup"));
const esbuild = fromTsup("esbuild") as {
  buildSync(options: Record<string, unknown>): { outputFiles: { text: string }[] };
};

/** Bundles `entry` as a Workers or Deno build would: platform neutral, nothing of Node's available. */
function bundleForWebRuntimes(entry: string): string {
  const result = esbuild.buildSync({
    entryPoints: [join(root, entry)],
    bundle: true,
    write: false,
    platform: "neutral",
    conditions: ["@telehook/source"],
    mainFields: ["module", "main"],
    external: ["hono"],
    format: "esm",
    logLevel: "silent",
  });
  return result.outputFiles.map((file) => file.text).join("\n");
}

test("@telehook/hono bundles for Bun, Deno and Workers: its Node fast path imports nothing of Node", () => {
  const bundle = bundleForWebRuntimes("packages/hono/src/index.ts");
  expect(bundle).toContain("readableDidRead");
  expect(bundle).not.toMatch(/["']node:|require\(/);
});

test("the check can fail: a module that imports node:http does not bundle", () => {
  expect(() => bundleForWebRuntimes("packages/node/test/servers.ts")).toThrow(/node:http/);
});
