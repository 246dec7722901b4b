import { fileURLToPath } from "node:url";
import type { NextConfig } from "next";

const config: NextConfig = {
  // Nothing to optimise: the app has no pages and no images.
  images: { unoptimized: true },
  // The repository's typecheck covers this code; next build need not check it again.
  typescript: { ignoreBuildErrors: true },
  turbopack: {
    // The monorepo root, where the lockfile is.
    root: fileURLToPath(new URL("../..", import.meta.url)),
  },
};

export default config;
