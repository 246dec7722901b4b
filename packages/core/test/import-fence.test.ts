import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

// The import fence in biome.json: outside core, packages import only @telehook/core and
// @telehook/core/internal; core imports no other telehook package and no framework. Each probe below is a
// source file at a path inside the fence, linted with the repository's own Biome and biome.json (copied
// to a scratch folder, so nothing is written into the repository). Allowed imports are the controls.

const root = resolve(import.meta.dirname, "../../..");
const biome = join(
  dirname(createRequire(import.meta.url).resolve("@biomejs/biome/package.json")),
  "bin",
  "biome",
);

const PROBES = {
  "adapter imports core's source": ["packages/express/src/p1.ts", "@telehook/core/src/handler.js"],
  "adapter imports core's source by a relative path": ["packages/koa/src/p2.ts", "../../core/src/handler.js"],
  "adapter imports core's public entry": ["packages/express/src/p3.ts", "@telehook/core"],
  "adapter imports core's internal entry": ["packages/hono/src/p4.ts", "@telehook/core/internal"],
  "core imports an adapter": ["packages/core/src/p5.ts", "@telehook/express"],
  "core imports a framework": ["packages/core/src/p6.ts", "hono"],
  "core imports its own module": ["packages/core/src/p7.ts", "./errors.js"],
} as const;
type Probe = keyof typeof PROBES;

let scratch = "";
const fenced = new Set<string>();

beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), "telehook-fence-"));
  const config = JSON.parse(readFileSync(join(root, "biome.json"), "utf8")) as Record<string, unknown>;
  // No git in the scratch folder; the schema URL is only for editors.
  delete config.vcs;
  delete config.$schema;
  writeFileSync(join(scratch, "biome.json"), JSON.stringify(config));
  for (const [path, from] of Object.values(PROBES)) {
    mkdirSync(dirname(join(scratch, path)), { recursive: true });
    writeFileSync(join(scratch, path), `import { probe } from "${from}";\n\nexport const used = probe;\n`);
  }
  let output: string;
  try {
    output = execFileSync(process.execPath, [biome, "lint", "--reporter=json", "packages"], {
      cwd: scratch,
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
    });
  } catch (error) {
    // Biome exits 1 when it reports an error, which the violating probes do.
    output = (error as { stdout: string }).stdout;
  }
  const report = JSON.parse(output) as {
    diagnostics: { category: string; location: { path: string } }[];
  };
  for (const diagnostic of report.diagnostics) {
    if (diagnostic.category === "lint/style/noRestrictedImports") fenced.add(diagnostic.location.path);
  }
}, 60_000);

afterAll(() => {
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

const isFenced = (probe: Probe) => fenced.has(PROBES[probe][0]);

describe("the import fence (biome.json noRestrictedImports)", () => {
  it.each<Probe>([
    "adapter imports core's source",
    "adapter imports core's source by a relative path",
    "core imports an adapter",
    "core imports a framework",
  ])("refuses: %s", (probe) => {
    expect(isFenced(probe)).toBe(true);
  });

  it.each<Probe>([
    "adapter imports core's public entry",
    "adapter imports core's internal entry",
    "core imports its own module",
  ])("allows: %s", (probe) => {
    expect(isFenced(probe)).toBe(false);
  });
});
