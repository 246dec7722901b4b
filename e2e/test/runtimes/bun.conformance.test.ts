import { describeRuntimeConformance } from "./support/describe-runtime.js";

describeRuntimeConformance("bun");
