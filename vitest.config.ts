import { defineConfig } from "vitest/config";

// Workspace packages resolve to their TypeScript source, so nothing needs a build before tests.
export default defineConfig({
  resolve: { conditions: ["@telehook/source", "module", "node", "import", "default"] },
  ssr: {
    resolve: {
      conditions: ["@telehook/source", "node", "import", "default"],
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
