import { expect, test } from "vitest";
import { isLocalApiRoot } from "../../src/bot-api/local-mode.js";

test.each([
  "http://127.0.0.1:8081",
  "http://localhost:8081",
  "http://telegram-bot-api:8081",
  "http://10.0.0.7",
  "http://192.168.1.2:8081",
  "http://172.20.0.3:8081",
  "http://[::1]:8081",
  "http://[fd00::5]:8081",
  "http://bot-api.internal",
  "http://api.localhost",
  "http://nas.local:8081",
])("%s is a local Bot API server", (apiRoot) => {
  expect(isLocalApiRoot(apiRoot)).toBe(true);
});

test.each([
  "https://api.telegram.org",
  "https://bot-api.example.com",
  "http://149.154.167.220",
  "http://[2001:4860::1]",
  "not a url",
])("%s is not local", (apiRoot) => {
  expect(isLocalApiRoot(apiRoot)).toBe(false);
});
