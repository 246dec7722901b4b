import { createFetchHandler } from "@telehook/core";
import { describeWebhookConformance, fetchHarness } from "@telehook/testing/conformance";

describeWebhookConformance("createFetchHandler", fetchHarness(createFetchHandler));
