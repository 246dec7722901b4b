import express from "express";
import { SECRET_HEADER, SECRET_TOKEN, WEBHOOK_PATH } from "../constants.js";
import { countUpdate, serveBenchmark } from "../server-harness.js";

// The floor: Express, its own JSON body parser, a secret check before the body is read, the count.
const app = express();
app.post(
  WEBHOOK_PATH,
  (req, res, next) => {
    if (req.get(SECRET_HEADER) === SECRET_TOKEN) next();
    else res.status(401).end();
  },
  express.json(),
  (req, res) => {
    if (typeof (req.body as { update_id?: unknown } | undefined)?.update_id !== "number") {
      res.status(400).end();
      return;
    }
    countUpdate();
    res.end();
  },
);
serveBenchmark(app.listen(0, "127.0.0.1"));
