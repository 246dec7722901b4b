import { nextSequence } from "./defaults.js";
import type { FactoryOptions, FromOptions } from "./options.js";
import { resolveFrom } from "./people.js";
import type { Poll, PollAnswer, UpdateOf } from "./types.js";
import { wrap } from "./wrap.js";

/** Options of `updates.poll()`. */
export interface PollOptions extends FactoryOptions<Poll> {
  /** The poll id. @default a growing numeric string */
  id?: string;
  /** The question. @default "Tea or coffee?" */
  question?: string;
  /** The answer options' texts. @default ["Tea", "Coffee"] */
  options?: string[];
  /** Votes per option, same order. @default all 0 */
  votes?: number[];
  /** Whether it is closed. @default true (bots get updates about stopped polls) */
  isClosed?: boolean;
}

/** A new state of a poll the bot sent. */
export function poll(options: PollOptions = {}): UpdateOf<"poll"> {
  const texts = options.options ?? ["Tea", "Coffee"];
  const votes = texts.map((_, index) => options.votes?.[index] ?? 0);
  const payload: Poll = {
    id: options.id ?? String(5_000_000_000_000_000_000n + BigInt(nextSequence())),
    question: options.question ?? "Tea or coffee?",
    options: texts.map((text, index) => ({
      persistent_id: String(index),
      text,
      voter_count: votes[index] ?? 0,
    })),
    total_voter_count: votes.reduce((sum, count) => sum + count, 0),
    is_closed: options.isClosed ?? true,
    is_anonymous: false,
    type: "regular",
    allows_multiple_answers: false,
    allows_revoting: true,
    members_only: false,
  };
  return wrap("poll", { ...payload, ...options.extra }, options.updateId);
}

/** Options of `updates.pollAnswer()`. */
export interface PollAnswerOptions extends FactoryOptions<PollAnswer>, FromOptions {
  /** The poll's id. @default "5000000000000000001" */
  pollId?: string;
  /** The chosen options' indexes; empty for a retracted vote. @default [0] */
  optionIds?: number[];
}

/** A user voted (or changed the vote) in a non-anonymous poll the bot sent. */
export function pollAnswer(options: PollAnswerOptions = {}): UpdateOf<"poll_answer"> {
  const optionIds = options.optionIds ?? [0];
  const payload: PollAnswer = {
    poll_id: options.pollId ?? "5000000000000000001",
    user: resolveFrom(options),
    option_ids: optionIds,
    option_persistent_ids: optionIds.map(String),
  };
  return wrap("poll_answer", { ...payload, ...options.extra }, options.updateId);
}
