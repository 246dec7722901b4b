import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  checkTarball,
  filesProblems,
  packPackage,
  readBudgets,
  releasedPackageDirs,
} from "../../scripts/release-dry.js";

// A tiny package shaped like ours (ESM and CJS with types, README, CHANGELOG, LICENSE), packed for real, so
// the checker runs on a tarball without building the workspace. Each broken variant must be caught.
function writeFixture(dir: string, options: { license: boolean }): void {
  mkdirSync(join(dir, "dist"), { recursive: true });
  const manifest = {
    name: "@telehook/release-dry-fixture",
    version: "1.0.0",
    description: "A fixture for the release:dry control test.",
    license: "MIT",
    type: "module",
    sideEffects: false,
    exports: {
      ".": {
        import: { types: "./dist/index.d.ts", default: "./dist/index.js" },
        require: { types: "./dist/index.d.cts", default: "./dist/index.cjs" },
      },
      "./package.json": "./package.json",
    },
    main: "./dist/index.cjs",
    module: "./dist/index.js",
    types: "./dist/index.d.ts",
    files: ["dist", "CHANGELOG.md", "LICENSE"],
  };
  writeFileSync(join(dir, "package.json"), JSON.stringify(manifest, null, 2));
  writeFileSync(join(dir, "dist", "index.js"), "export const answer = 42;\n");
  writeFileSync(join(dir, "dist", "index.cjs"), '"use strict";\nexports.answer = 42;\n');
  writeFileSync(join(dir, "dist", "index.d.ts"), "export declare const answer: number;\n");
  writeFileSync(join(dir, "dist", "index.d.cts"), "export declare const answer: number;\n");
  writeFileSync(join(dir, "README.md"), "# fixture\n");
  writeFileSync(join(dir, "CHANGELOG.md"), "# fixture\n\n## 1.0.0\n\n- first\n");
  if (options.license) writeFileSync(join(dir, "LICENSE"), "MIT\n");
}

describe("release:dry checker", () => {
  let work: string;
  let goodTarball: string;
  let noLicenseTarball: string;

  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), "telehook-release-dry-test-"));
    const good = join(work, "good");
    const noLicense = join(work, "no-license");
    writeFixture(good, { license: true });
    writeFixture(noLicense, { license: false });
    mkdirSync(join(work, "packs-good"));
    mkdirSync(join(work, "packs-bad"));
    goodTarball = packPackage(good, join(work, "packs-good"));
    noLicenseTarball = packPackage(noLicense, join(work, "packs-bad"));
  }, 60_000);

  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it("passes a well-formed tarball within its budget", async () => {
    const check = await checkTarball(goodTarball, 50);
    expect(check.problems).toEqual([]);
    expect(check.publint.ok).toBe(true);
    expect(check.attw.ok).toBe(true);
    expect(check.ok).toBe(true);
    expect(check.files).toEqual(
      expect.arrayContaining(["package.json", "README.md", "CHANGELOG.md", "LICENSE", "dist/index.cjs"]),
    );
  }, 30_000);

  it("fails the same tarball when it is over its size budget", async () => {
    const check = await checkTarball(goodTarball, 0.1);
    expect(check.ok).toBe(false);
    expect(check.problems.join("\n")).toMatch(/over its budget of 0\.1 KiB/);
  }, 30_000);

  it("fails a tarball without a budget", async () => {
    const check = await checkTarball(goodTarball, undefined);
    expect(check.ok).toBe(false);
    expect(check.problems).toContain("no size budget in scripts/size-budgets.json");
  }, 30_000);

  it("fails a tarball that does not ship its LICENSE", async () => {
    const check = await checkTarball(noLicenseTarball, 50);
    expect(check.ok).toBe(false);
    expect(check.problems).toContain("missing LICENSE");
  }, 30_000);

  it("names a missing entry, a shipped test, an .env and a tsconfig", () => {
    const manifest = { exports: { ".": { import: "./dist/index.js", require: "./dist/index.cjs" } } };
    const files = [
      "package.json",
      "README.md",
      "CHANGELOG.md",
      "LICENSE",
      "dist/index.js",
      "src/pipeline.test.ts",
      "test/helpers.ts",
      ".env",
      "tsconfig.json",
    ];
    expect(filesProblems(files, manifest)).toEqual([
      "missing dist/index.cjs, named in package.json",
      "ships src/pipeline.test.ts (a test file)",
      "ships test/helpers.ts (a test folder)",
      "ships .env (an .env file)",
      "ships tsconfig.json (a tsconfig)",
    ]);
  });
});

describe("release:dry setup", () => {
  it("has a budget, a CHANGELOG.md and a LICENSE in files for every package users install", () => {
    const budgets = readBudgets();
    const dirs = releasedPackageDirs();
    expect(dirs.length).toBeGreaterThanOrEqual(11);
    for (const dir of dirs) {
      const manifest = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as {
        name: string;
        files: string[];
      };
      expect(budgets[manifest.name], manifest.name).toBeGreaterThan(0);
      expect(manifest.files, manifest.name).toEqual(expect.arrayContaining(["CHANGELOG.md", "LICENSE"]));
    }
  });

  it("puts every published package, and only those, in the one fixed changesets group", () => {
    const config = JSON.parse(
      readFileSync(new URL("../../.changeset/config.json", import.meta.url), "utf8"),
    ) as {
      fixed: string[][];
      privatePackages: { version: boolean; tag: boolean };
    };
    const names = releasedPackageDirs().map(
      (dir) => (JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as { name: string }).name,
    );
    expect(config.fixed).toHaveLength(1);
    expect([...(config.fixed[0] ?? [])].sort()).toEqual([...names].sort());
    expect(config.privatePackages).toEqual({ version: false, tag: false });
  });

  it("never sends anything to a registry", () => {
    const source = readFileSync(new URL("../../scripts/release-dry.ts", import.meta.url), "utf8");
    expect(source).not.toMatch(/\bpublish\b/i);
  });
});

describe("README package table", () => {
  it("links every published package's CHANGELOG.md and API reference page, and both exist", () => {
    const root = new URL("../../", import.meta.url);
    const readme = readFileSync(new URL("README.md", root), "utf8");
    for (const dir of releasedPackageDirs()) {
      const { name } = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as { name: string };
      const folder = dir.split(/[\\/]/).pop();
      const row = readme.split("\n").find((line) => line.startsWith(`| \`${name}\` |`));
      expect(row, name).toBeDefined();
      const changelog = `packages/${folder}/CHANGELOG.md`;
      const reference = `docs/api/${name}/README.md`;
      expect(row).toContain(`](${changelog})`);
      expect(row).toContain(`](${reference})`);
      expect(existsSync(new URL(changelog, root)), changelog).toBe(true);
      expect(existsSync(new URL(reference, root)), reference).toBe(true);
    }
  });
});
