import { existsSync, readFileSync } from "node:fs";
import { createWebhookHandler, TelehookError, type TelehookErrorCode } from "@telehook/core";
import { describe, expect, it } from "vitest";
import { errorPageUrl } from "../src/errors.js";

// The code unions are types, so the lists are read from the source: a code added there without a page
// fails here. Each list is checked against a few codes known to exist, so a parser that finds nothing fails too.
const source = (file: string) => readFileSync(new URL(`../src/${file}`, import.meta.url), "utf8");
const pagesDir = new URL("../../../docs/errors/", import.meta.url);

function telehookErrorCodes(): string[] {
  const withoutComments = source("errors.ts").replace(/\/\*[\s\S]*?\*\//g, "");
  const union = /export type TelehookErrorCode =([\s\S]*?);/.exec(withoutComments)?.[1] ?? "";
  return [...union.matchAll(/\|\s*"([a-z0-9_]+)"/g)].map((match) => match[1] ?? "");
}

function rejectionReasons(): string[] {
  const table = /const REJECTIONS = \{([\s\S]*?)\n\} as const/.exec(source("rejection.ts"))?.[1] ?? "";
  return [...table.matchAll(/^ {2}([a-z0-9_]+):/gm)].map((match) => match[1] ?? "");
}

describe("error pages", () => {
  const errorCodes = telehookErrorCodes();
  const reasons = rejectionReasons();

  it("reads every code from the source", () => {
    expect(errorCodes).toEqual(expect.arrayContaining(["invalid_options", "store_failed", "aborted"]));
    expect(errorCodes.length).toBeGreaterThanOrEqual(10);
    expect(reasons).toEqual(
      expect.arrayContaining(["shutting_down", "secret_token_invalid", "handler_failed"]),
    );
    expect(reasons.length).toBeGreaterThanOrEqual(24);
  });

  it.each([...errorCodes, ...reasons])("%s has a page, listed in docs/errors/README.md", (code) => {
    const page = new URL(`${code}.md`, pagesDir);
    expect(existsSync(page), `docs/errors/${code}.md`).toBe(true);
    const text = readFileSync(page, "utf8");
    expect(text).toMatch(new RegExp(`^# \`${code}\`\\n`));
    for (const section of ["## What it means", "## Common causes", "## What to do", "## Example"]) {
      expect(text).toContain(section);
    }
    expect(readFileSync(new URL("README.md", pagesDir), "utf8")).toContain(`(${code}.md)`);
  });

  it("links each error code's page from the error's message, and keeps detail as it was", () => {
    const error = new TelehookError("store_failed", "The store did not answer.", {
      source: "@telehook/redis",
    });
    expect(error.message).toBe(
      "@telehook/redis: The store did not answer. (see https://github.com/telehook/telehook/blob/main/docs/errors/store_failed.md)",
    );
    expect(error.detail).toBe("The store did not answer.");
    for (const code of errorCodes) {
      expect(errorPageUrl(code as TelehookErrorCode)).toBe(
        `https://github.com/telehook/telehook/blob/main/docs/errors/${code}.md`,
      );
    }
  });

  it("a configuration mistake thrown by core names its page", () => {
    let thrown: unknown;
    try {
      createWebhookHandler({ onUpdate: () => {} });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(TelehookError);
    expect((thrown as TelehookError).code).toBe("invalid_options");
    expect((thrown as TelehookError).message).toContain(errorPageUrl("invalid_options"));
    expect((thrown as TelehookError).message).toMatch(/^@telehook\/core: /);
  });
});
