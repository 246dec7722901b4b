import { createFetchHandler } from "@telehook/core";
import { describeWebhookConformance, fetchHarness } from "@telehook/testing/conformance";

describeWebhookConformance(
  "createFetchHandler",
  fetchHarness((options) => {
    const handler = createFetchHandler(options);
    return { fetch: handler, webhook: handler };
  }),
);
