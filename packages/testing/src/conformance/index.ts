export { CONFORMANCE_SECRET, sampleUpdate, telegramHeaders } from "./fixtures.js";
export { describeFramingConformance, type FramingDifferences } from "./framing.js";
export {
  type ConformanceHarness,
  type ConformanceRequest,
  type ConformanceResponse,
  type DrainableWebhook,
  fetchHarness,
  listenerHarness,
  type MountedWebhook,
  type StartedServer,
  sendOverHttp,
} from "./harness.js";
export { type FloodExchange, floodExchange, type RawExchange, rawExchange, requestHead } from "./raw-http.js";
export { describeWebhookConformance } from "./suite.js";
