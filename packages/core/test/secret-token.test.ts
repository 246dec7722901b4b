import fc from "fast-check";
import { expect, test } from "vitest";
import { createSecretTokenMatcher } from "../src/secret-token.js";

const tokenChar = fc.constantFrom(..."abcXYZ019_-");
const token = fc.string({ unit: tokenChar, minLength: 1, maxLength: 40 });

test("the matcher accepts exactly the accepted tokens, whatever their lengths", () => {
  fc.assert(
    fc.property(
      fc.array(token, { minLength: 1, maxLength: 4 }),
      // Received values: any string (empty, longer, non-ASCII), an accepted token, or one cut or extended.
      fc.oneof(fc.string({ maxLength: 60 }), fc.string({ unit: tokenChar, maxLength: 45 })),
      fc.nat(3),
      fc.constantFrom("same", "cut", "extended", "other"),
      (tokens, other, pick, how) => {
        const chosen = tokens[pick % tokens.length] as string;
        const received =
          how === "same"
            ? chosen
            : how === "cut"
              ? chosen.slice(0, -1)
              : how === "extended"
                ? `${chosen}${chosen.at(-1)}`
                : other;
        const matches = createSecretTokenMatcher(tokens);
        expect(matches(received)).toBe(tokens.includes(received));
      },
    ),
    { numRuns: 2000 },
  );
});

test("a value that matches a padded token's prefix, or repeats its first character, is refused", () => {
  const matches = createSecretTokenMatcher(["short", "a_much_longer_token"]);
  expect(matches("short")).toBe(true);
  expect(matches("a_much_longer_token")).toBe(true);
  // Past its end a value is read at position 0 again: these must not pass as the short token padded.
  expect(matches("shorts")).toBe(false);
  expect(matches("shortssssssssssssss")).toBe(false);
  expect(matches("sssss")).toBe(false);
  expect(matches("")).toBe(false);
  expect(matches("\0")).toBe(false);
});
