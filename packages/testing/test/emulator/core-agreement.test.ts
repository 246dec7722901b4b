import type { Update, UpdateType } from "@telehook/core";
import { queueKeyOf as coreQueueKeyOf, UPDATE_TYPES_IN_SERVER_ORDER } from "@telehook/core/internal";
import { describe, expect, it } from "vitest";
import { SERVER_UPDATE_TYPE_ORDER, updates, webhookQueueIdOf } from "../../src/emulator/index.js";

// The emulator keeps its own copy of the update types and queue keys, on purpose: an independent oracle for
// @telehook/core. These tests check that the two copies agree.

describe("the emulator and @telehook/core agree", () => {
  it("on the update types, in the server's order", () => {
    const known = new Set<string>(SERVER_UPDATE_TYPE_ORDER);
    expect(UPDATE_TYPES_IN_SERVER_ORDER.filter((type) => known.has(type))).toEqual([
      ...SERVER_UPDATE_TYPE_ORDER,
    ]);
  });

  it("on which time-limited updates share a queue with each other and with the chat's messages", () => {
    const made: object[] = [];
    for (const [chatId, fromId] of [
      [42, 42],
      [-1001, 42],
      [43, 43],
    ] as const) {
      made.push(
        updates.message({ chatId, fromId }),
        updates.callbackQuery({ chatId, fromId }),
        updates.callbackQuery({ fromId, message: null }),
        updates.preCheckoutQuery({ fromId }),
        updates.shippingQuery({ fromId }),
        updates.widgetQuery({ chatId, fromId }),
        updates.widgetQuery({ inline: true, fromId }),
        updates.sharedWidgetQuery({ fromId }),
      );
    }
    const keys = made.map((update) => {
      const [type, payload] = Object.entries(update)[0] as [string, unknown];
      return {
        emulator: webhookQueueIdOf(type, payload),
        core: coreQueueKeyOf(update as Update, type as UpdateType),
      };
    });
    for (const [i, a] of keys.entries()) {
      expect(a.core, JSON.stringify(made[i])).toBeDefined();
      for (const [j, b] of keys.entries()) {
        expect(a.core === b.core, `${JSON.stringify(made[i])} vs ${JSON.stringify(made[j])}`).toBe(
          a.emulator === b.emulator,
        );
      }
    }
  });
});
