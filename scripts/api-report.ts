/**
 * The API reports: one `packages/<package>/api/<package>.api.md` per published package (and one more,
 * `<package>-<subpath>.api.md`, per extra entry such as `@telehook/core/internal`), made by API Extractor
 * from the built `.d.ts` with the shared `api-extractor.base.json`.
 *
 *   tsx scripts/api-report.ts            check: exit 1 when a report differs from the code (`pnpm api:check`)
 *   tsx scripts/api-report.ts --update   write the reports (`pnpm api:update`)
 *
 * Both need the packages built first (`pnpm build`).
 */
import { existsSync, mkdirSync, readdirSync, readFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { Extractor, ExtractorConfig, ExtractorLogLevel } from "@microsoft/api-extractor";

interface EntryPoint {
  readonly packageDir: string;
  readonly packageName: string;
  readonly reportName: string;
  readonly typesPath: string;
}

const root = resolve(import.meta.dirname, "..");
const update = process.argv.includes("--update");

/** Every entry point of every published package, from its package.json `exports`. */
function entryPoints(): EntryPoint[] {
  const found: EntryPoint[] = [];
  for (const folder of readdirSync(join(root, "packages")).sort()) {
    const packageDir = join(root, "packages", folder);
    const manifestPath = join(packageDir, "package.json");
    if (!existsSync(manifestPath)) continue;
    const manifest = JSON.parse(readFileSync(manifestPath, "utf8")) as {
      name: string;
      private?: boolean;
      exports?: Record<string, { import?: { types?: string } }>;
    };
    if (manifest.private) continue;
    for (const [subpath, conditions] of Object.entries(manifest.exports ?? {})) {
      const types = conditions.import?.types;
      if (types === undefined) continue;
      const suffix = subpath === "." ? "" : `-${subpath.replace(/^\.\//, "").replaceAll("/", "-")}`;
      found.push({
        packageDir,
        packageName: manifest.name,
        reportName: `${folder}${suffix}`,
        typesPath: join(packageDir, types),
      });
    }
  }
  return found;
}

const base = ExtractorConfig.loadFile(join(root, "api-extractor.base.json"));
const stale: string[] = [];
let failed = false;

for (const entry of entryPoints()) {
  const reportPath = relative(root, join(entry.packageDir, "api", `${entry.reportName}.api.md`));
  if (!existsSync(entry.typesPath)) {
    console.error(`api: ${relative(root, entry.typesPath)} is missing; run \`pnpm build\` first.`);
    failed = true;
    continue;
  }
  if (update) mkdirSync(join(entry.packageDir, "api"), { recursive: true });
  const config = ExtractorConfig.prepare({
    configObject: {
      ...base,
      projectFolder: entry.packageDir,
      mainEntryPointFilePath: entry.typesPath,
      apiReport: { ...base.apiReport, enabled: true, reportFileName: entry.reportName },
    },
    configObjectFullPath: undefined,
    packageJsonFullPath: join(entry.packageDir, "package.json"),
  });
  const result = Extractor.invoke(config, {
    localBuild: update,
    messageCallback: (message) => {
      // The report's own "changed" notice is replaced by the one line below.
      if (message.messageId === "console-api-report-changed" || message.logLevel === ExtractorLogLevel.Info) {
        message.handled = true;
      }
    },
  });
  if (result.errorCount > 0) failed = true;
  if (update) console.log(`api: ${reportPath} ${result.apiReportChanged ? "updated" : "unchanged"}`);
  else if (result.apiReportChanged) stale.push(`${entry.packageName}: ${reportPath}`);
}

if (stale.length > 0) {
  console.error(
    [
      "api: the public API differs from its checked-in report in:",
      ...stale.map((line) => `  - ${line}`),
      "If the change is intended, run `pnpm build && pnpm api:update` and commit the updated report(s).",
    ].join("\n"),
  );
  failed = true;
}
if (failed) process.exit(1);
if (!update) console.log("api: every report matches the code.");
