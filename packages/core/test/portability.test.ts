import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { expect, test } from "vitest";

const sourceDir = join(import.meta.dirname, "../src");

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? sourceFiles(join(dir, entry.name))
      : entry.name.endsWith(".ts")
        ? [join(dir, entry.name)]
        : [],
  );
}

test("core uses no Node-only API, so it runs on Bun, Deno and Workers", () => {
  const offenders = sourceFiles(sourceDir).filter((file) => {
    const code = readFileSync(file, "utf8").replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, "");
    return /from\s+["']node:|import\(\s*["']node:|\bBuffer\b|\bprocess\./.test(code);
  });
  expect(offenders).toEqual([]);
});
