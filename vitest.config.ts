import { defineConfig } from "vitest/config";

// Workspace packages resolve to their TypeScript source, so nothing needs a build before tests.
export default defineConfig({
  resolve: { conditions: ["@telehook/source", "module", "node", "import", "default"] },
  ssr: {
    resolve: {
      // Vitest passes these to Node as --conditions for external packages too. "import" there would make
      // require() pick a package's ESM build (is-promise under Express 5's router breaks), so Node adds
      // import/require/default itself.
      conditions: ["@telehook/source", "node"],
      externalConditions: ["@telehook/source"],
    },
  },
  test: {
    include: ["packages/*/test/**/*.test.ts", "e2e/test/**/*.test.ts", "examples/*/test/**/*.test.ts"],
    testTimeout: 20_000,
    hookTimeout: 20_000,
    pool: "forks",
    reporters: ["default", "./scripts/summary-reporter.ts"],
  },
});
