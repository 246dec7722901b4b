import type { FactoryOptions, FromOptions } from "./options.js";
import { resolveFrom } from "./people.js";
import type { PaidMediaPurchased, UpdateOf } from "./types.js";
import { wrap } from "./wrap.js";

/** Options of `updates.purchasedPaidMedia()`. */
export interface PurchasedPaidMediaOptions extends FactoryOptions<PaidMediaPurchased>, FromOptions {
  /** The payload the bot gave the paid media. @default "media-1" */
  payload?: string;
}

/** A user bought paid media with a payload the bot sent. */
export function purchasedPaidMedia(
  options: PurchasedPaidMediaOptions = {},
): UpdateOf<"purchased_paid_media"> {
  const payload: PaidMediaPurchased = {
    from: resolveFrom(options),
    paid_media_payload: options.payload ?? "media-1",
  };
  return wrap("purchased_paid_media", { ...payload, ...options.extra }, options.updateId);
}
