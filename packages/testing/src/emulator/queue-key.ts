// Deliberate independent oracle: the emulator's own copy of the server's delivery queues, not imported from
// @telehook/core (its copy is queueKeyOf in packages/core/src/delivery/queue-key.ts).
// packages/testing/test/emulator/core-agreement.test.ts checks that both put the same updates in the same queue, over every update factory.
/**
 * The delivery queue an update belongs to (`webhook_queue_id` in the server). Within one queue a single update
 * is in flight or in backoff at a time, in update_id order; different queues are delivered in parallel.
 * The high bits keep types apart: `chat_id + k·2^33` or `user_id + k·2^33`.
 */
export function webhookQueueIdOf(type: string, payload: unknown): number {
  const p = asRecord(payload);
  switch (type) {
    case "message":
    case "edited_message":
    case "channel_post":
    case "edited_channel_post":
      return chatId(p);
    case "business_message":
    case "edited_business_message":
    case "deleted_business_messages":
      return chatId(p) + shifted(11);
    case "guest_message":
      return chatId(p) + shifted(12);
    case "inline_query":
      return userId(p, "from") + shifted(1);
    case "chosen_inline_result":
      return userId(p, "from") + shifted(2);
    case "callback_query":
      return userId(p, "from") + shifted(3);
    case "shipping_query":
    case "pre_checkout_query":
      return userId(p, "from") + shifted(4);
    case "my_chat_member":
      return chatId(p) + shifted(5);
    case "chat_member":
      // The member whose status changed, not the admin who acted (Client::add_update_chat_member).
      return numericId(asRecord(asRecord(p.old_chat_member).user).id) + shifted(6);
    case "chat_join_request":
      return userId(p, "from") + shifted(6);
    case "chat_boost":
    case "removed_chat_boost":
      return chatId(p) + shifted(7);
    case "message_reaction":
      return chatId(p) + shifted(8);
    case "message_reaction_count":
      return chatId(p) + shifted(9);
    case "business_connection":
      return userId(p, "user") + shifted(10);
    case "purchased_paid_media":
      return userId(p, "from") + shifted(12);
    case "managed_bot":
      return userId(p, "user") + shifted(13);
    // Bot API 10.4, not read from the server's source: queued apart from the chat's messages (they must be
    // answered within 15 s), by the chat when there is one, else by the user. The offsets are this emulator's.
    case "widget_query":
      return asRecord(p.chat).id !== undefined ? chatId(p) + shifted(14) : userId(p, "from") + shifted(15);
    case "shared_widget_query":
      return userId(p, "from") + shifted(16);
    case "poll":
      return numericId(p.id);
    case "poll_answer":
      return numericId(p.poll_id);
    default:
      // A type the server does not know yet: one queue per type, so such updates stay in order.
      return shifted(64) + hashString(type);
  }
}

function shifted(k: number): number {
  return k * 2 ** 33;
}

function asRecord(value: unknown): Record<string, unknown> {
  return typeof value === "object" && value !== null ? (value as Record<string, unknown>) : {};
}

function chatId(payload: Record<string, unknown>): number {
  return numericId(asRecord(payload.chat).id);
}

function userId(payload: Record<string, unknown>, field: string): number {
  return numericId(asRecord(payload[field]).id);
}

function numericId(value: unknown): number {
  if (typeof value === "number" && Number.isFinite(value)) return value;
  if (typeof value === "string") {
    const parsed = Number(value);
    return Number.isSafeInteger(parsed) ? parsed : hashString(value);
  }
  return 0;
}

function hashString(text: string): number {
  let hash = 0;
  for (let i = 0; i < text.length; i++) hash = (Math.imul(hash, 31) + text.charCodeAt(i)) | 0;
  return hash >>> 0;
}
