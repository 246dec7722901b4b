/**
 * `@telehook/testing/conformance`: the behaviour every telehook adapter must show, as one vitest suite.
 * An adapter supplies a harness that mounts its middleware; the suite sends it real requests.
 *
 * @packageDocumentation
 *
 * @example
 * import { describeWebhookConformance, listenerHarness } from "@telehook/testing/conformance";
 * describeWebhookConformance("express 5", listenerHarness(async (options) => startExpressApp(options)));
 */
export * from "./conformance/index.js";
