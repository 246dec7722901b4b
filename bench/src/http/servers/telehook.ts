import { createServer } from "node:http";
import { hostNamed } from "@telehook/hosts";
import { SECRET_TOKEN, WEBHOOK_PATH } from "../constants.js";
import { countUpdate, serveBenchmark } from "../server-harness.js";

// telehook on the host named by the first argument, mounted as the README shows (no body parser), from the
// one list of hosts that e2e and the reliability suite run too (@telehook/hosts).
const mount = await hostNamed(process.argv[2] ?? "").load();
const { listener } = mount({ secretToken: SECRET_TOKEN, onUpdate: countUpdate }, WEBHOOK_PATH);
serveBenchmark(createServer(listener).listen(0, "127.0.0.1"));
