// `pnpm docs:check`: builds the API reference into a temporary folder and fails when it differs from the
// committed docs/api, so a change to a public symbol or its TSDoc cannot land with a stale reference.
// Fix a failure with `pnpm run docs` and commit docs/api.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const committed = join(root, "docs", "api");
const fresh = mkdtempSync(join(tmpdir(), "telehook-docs-"));

function files(dir) {
  const out = new Map();
  const walk = (current) => {
    let entries;
    try {
      entries = readdirSync(current, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      const path = join(current, entry.name);
      if (entry.isDirectory()) walk(path);
      else out.set(relative(dir, path), readFileSync(path, "utf8"));
    }
  };
  walk(dir);
  return out;
}

try {
  execFileSync(join(root, "node_modules", ".bin", "typedoc"), ["--out", join(fresh, "api")], {
    cwd: root,
    stdio: "inherit",
  });
  const before = files(committed);
  const after = files(join(fresh, "api"));
  const stale = [];
  for (const [path, text] of after) if (before.get(path) !== text) stale.push(`changed or new: ${path}`);
  for (const path of before.keys()) if (!after.has(path)) stale.push(`no longer generated: ${path}`);
  if (stale.length > 0) {
    console.error(`docs/api is stale (${stale.length} files). Run \`pnpm run docs\` and commit docs/api.`);
    for (const line of stale.slice(0, 30)) console.error(`  ${line}`);
    process.exitCode = 1;
  } else {
    console.log(`docs/api is up to date (${after.size} files).`);
  }
} finally {
  rmSync(fresh, { recursive: true, force: true });
}
