import type { Rejection, Update } from "@telehook/core";
import { CONFORMANCE_SECRET } from "../conformance/fixtures.js";

/** A webhook made by {@link recordUpdates}, with what reached its hooks so far. */
export interface RecordedWebhook<W> {
  /** What `create` returned: the middleware, plugin or handler to mount. */
  readonly webhook: W;
  /** The `update_id` of every update given to `onUpdate`, in the order of the calls. */
  readonly updates: number[];
  /** Every rejection given to `onReject`, in order. */
  readonly rejections: Rejection[];
}

/**
 * Makes a webhook with an adapter's `telegramWebhook` whose `onUpdate` and `onReject` record what they are
 * given, so that a test can assert which updates were handled and which requests were refused.
 *
 * @param create The adapter's `telegramWebhook` (or any function taking options with `secretToken`,
 *   `onUpdate` and `onReject`).
 * @param options Options laid over the defaults: `secretToken` is {@link CONFORMANCE_SECRET} (the secret
 *   `telegramHeaders()` sends) unless given; an `onUpdate` or `onReject` given here replaces the recording one.
 * @example
 * const { webhook, updates } = recordUpdates(telegramWebhook);
 * app.post("/bot", webhook);
 * // ...send an update, then:
 * expect(updates).toEqual([1]);
 */
export function recordUpdates<W, O extends object>(
  create: (options: O) => W,
  options: Partial<O> = {},
): RecordedWebhook<W> {
  const updates: number[] = [];
  const rejections: Rejection[] = [];
  // Every adapter's options have these three fields, with these meanings.
  const recording = {
    secretToken: CONFORMANCE_SECRET,
    onUpdate: (update: Update) => void updates.push(update.update_id),
    onReject: (rejection: Rejection) => void rejections.push(rejection),
  };
  const webhook = create({ ...recording, ...options } as O);
  return { webhook, updates, rejections };
}
