import { describeFramingConformance } from "@telehook/testing/conformance";
import { FASTIFY_VERSIONS, startFastify } from "./servers.js";

for (const [version, factory] of FASTIFY_VERSIONS) {
  describeFramingConformance(version, (options) => startFastify(factory, { ...options, path: "/bot" }));
}
