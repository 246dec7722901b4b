import { describeRuntimeConformance } from "./support/describe-runtime.js";

describeRuntimeConformance("deno");
