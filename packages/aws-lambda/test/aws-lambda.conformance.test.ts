import { describeWebhookConformance } from "@telehook/testing/conformance";
import { EVENT_SHAPES, lambdaHarness } from "./lambda-events.js";

// Each event source, through the local runtime. The suite checks the answer at the deadline of other
// hosts (200 while onUpdate still runs), so it runs with answerEarly: true; the default, which holds the
// answer until onUpdate finishes, is tested in aws-lambda.test.ts.
for (const shape of EVENT_SHAPES) {
  describeWebhookConformance(`aws-lambda, ${shape}`, lambdaHarness(shape, { answerEarly: true }));
}
