import { createWebhookHandler, type Update, type UpdateType } from "@telehook/core";
import { queueKeyOf } from "@telehook/core/internal";
import { describe, expect, test } from "vitest";
import { SECRET, telegramRequest } from "./helpers.js";

// Bot API 10.4 and 10.5: widget queries (answer within 15 s), shared widget queries (no chat), and callback
// queries from inline messages (no message, so no chat). Like payments and callback queries, they must never
// wait behind a slow message handler of the same chat. See ../shared/telegram-webhooks.md §4.3 and §11.

const CHAT = 42;
const user = (id = CHAT) => ({ id, is_bot: false, first_name: "Ada" });
const chat = (id = CHAT) => ({ id, type: "private" as const, first_name: "Ada" });

const make = {
  message: (id: number, chatId = CHAT): Update =>
    ({
      update_id: id,
      message: { message_id: id, date: 0, chat: chat(chatId), from: user(), text: "hi" },
    }) as Update,
  preCheckout: (id: number): Update => ({
    update_id: id,
    pre_checkout_query: {
      id: `p${id}`,
      from: user(),
      currency: "XTR",
      total_amount: 1,
      invoice_payload: "x",
    },
  }),
  shipping: (id: number): Update => ({
    update_id: id,
    shipping_query: {
      id: `s${id}`,
      from: user(),
      invoice_payload: "x",
      shipping_address: {
        country_code: "GB",
        state: "",
        city: "London",
        street_line1: "1 Example Street",
        street_line2: "",
        post_code: "SW1A 1AA",
      },
    },
  }),
  callback: (id: number): Update =>
    ({
      update_id: id,
      callback_query: {
        id: `c${id}`,
        from: user(),
        chat_instance: "1",
        data: "yes",
        message: { message_id: 1, date: 0, chat: chat(), text: "choose" },
      },
    }) as Update,
  inlineCallback: (id: number, fromId = CHAT): Update => ({
    update_id: id,
    callback_query: {
      id: `i${id}`,
      from: user(fromId),
      chat_instance: "1",
      inline_message_id: "AgAAA1",
      data: "yes",
    },
  }),
  widget: (id: number, chatId: number | null = CHAT, fromId = CHAT): Update => ({
    update_id: id,
    widget_query: {
      id: `w${id}`,
      from: user(fromId),
      chat_instance: "1",
      type: { type: "data" },
      data: "tap",
      ...(chatId === null
        ? { inline_message_id: "AgAAA2", chat_type: "private" }
        : { chat: chat(chatId), message_id: 7 }),
    },
  }),
  sharedWidget: (id: number, fromId = CHAT): Update => ({
    update_id: id,
    shared_widget_query: {
      id: `sw${id}`,
      from: user(fromId),
      type: { type: "data" },
      data: "tap",
      widget_id: "99",
    },
  }),
};

const typeOf = (update: Update) => Object.keys(update).find((key) => key !== "update_id") as UpdateType;
const keyOf = (update: Update) => queueKeyOf(update, typeOf(update));

function gate() {
  let open: () => void = () => {};
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { opened, open };
}

describe("queue keys of Bot API 10.4 and 10.5 updates", () => {
  test("a widget query is keyed by its chat in its own namespace, else by its user", () => {
    expect(keyOf(make.widget(1))).toBe(`widget:${CHAT}`);
    expect(keyOf(make.widget(2, null))).toBe(`widget_user:${CHAT}`);
    expect(keyOf(make.widget(3, -100123, 5))).toBe("widget:-100123");
    expect(keyOf(make.sharedWidget(4))).toBe(`shared_widget:${CHAT}`);
    const nobody = {
      update_id: 5,
      shared_widget_query: { id: "x", type: { type: "data" }, data: "", widget_id: "1" },
    };
    expect(keyOf(nobody as unknown as Update)).toBeUndefined();
    expect(keyOf({ update_id: 6, widget_query: {} } as unknown as Update)).toBeUndefined();
  });

  test("a callback query without a message is keyed by its user, like one with a message", () => {
    expect(keyOf(make.inlineCallback(1))).toBe(keyOf(make.callback(2)));
    expect(keyOf(make.inlineCallback(3))).toBe(`callback:${CHAT}`);
  });

  test("no time-limited update shares a queue with the chat's messages, nor with another kind", () => {
    const keys = [
      make.message(1),
      make.preCheckout(2),
      make.callback(3),
      make.widget(4),
      make.widget(5, null),
      make.sharedWidget(6),
    ].map(keyOf);
    expect(keys.every((key) => key !== undefined)).toBe(true);
    expect(new Set(keys).size).toBe(keys.length);
  });
});

describe("time-limited updates never wait behind a slow message handler of their chat", () => {
  test("payments, callback queries, widget and shared widget queries run while the chat's message is stuck", async () => {
    const slow = gate();
    const started: number[] = [];
    const handler = createWebhookHandler({
      secretToken: SECRET,
      onUpdate: async (update) => {
        started.push(update.update_id);
        if (update.message) await slow.opened;
      },
    });
    const send = (update: Update) => handler.handle(telegramRequest(JSON.stringify(update)));
    const stuck = send(make.message(1));
    const behind = send(make.message(2));
    const queries = [
      make.preCheckout(3),
      make.shipping(4),
      make.callback(5),
      make.inlineCallback(6),
      make.widget(7),
      make.widget(8, null),
      make.sharedWidget(9),
    ];
    // Answered while message 1 is still running: nothing waited for it.
    const answers = await Promise.all(queries.map(send));
    expect(answers.map((answer) => answer.status)).toEqual(queries.map(() => 200));
    // (Each ran; the order among them follows their own per-user queues.)
    expect([...started].sort((a, b) => a - b)).toEqual([1, 3, 4, 5, 6, 7, 8, 9]);
    slow.open();
    expect([(await stuck).status, (await behind).status]).toEqual([200, 200]);
    expect(started.at(-1)).toBe(2);
    await handler.close();
  });

  test("widget queries of one chat, and shared widget queries of one user, still run one at a time, in order", async () => {
    const first = gate();
    const log: string[] = [];
    const handler = createWebhookHandler({
      secretToken: SECRET,
      onUpdate: async (update) => {
        log.push(`start ${update.update_id}`);
        if (update.update_id === 1 || update.update_id === 11) await first.opened;
        log.push(`end ${update.update_id}`);
      },
    });
    const send = (update: Update) => handler.handle(telegramRequest(JSON.stringify(update)));
    const pending = [send(make.widget(1)), send(make.sharedWidget(11))];
    const later = [send(make.widget(2)), send(make.sharedWidget(12))];
    // Another chat's widget query and another user's shared one are not held back.
    const others = await Promise.all([send(make.widget(3, 77, 77)), send(make.sharedWidget(13, 78))]);
    expect(others.map((answer) => answer.status)).toEqual([200, 200]);
    expect(log).toEqual(["start 1", "start 11", "start 3", "end 3", "start 13", "end 13"]);
    first.open();
    await Promise.all([...pending, ...later]);
    expect(log.indexOf("start 2")).toBeGreaterThan(log.indexOf("end 1"));
    expect(log.indexOf("start 12")).toBeGreaterThan(log.indexOf("end 11"));
    await handler.close();
  });
});
