export { CONFORMANCE_SECRET, sampleUpdate, telegramHeaders } from "./fixtures.js";
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
export { describeWebhookConformance } from "./suite.js";
