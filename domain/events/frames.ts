// `z` from @hono/zod-openapi, not zod: a schema module that loads before it and calls .openapi() dies (NOTES).
import { z } from "@hono/zod-openapi";
import { type FrameParse, errorCodeLengthMax, errorMessageLengthMax, eventsPerFrameMax, frameParser } from "../live/frame-parser";
import { pollOptionLengthMax, pollOptionsMax, pollOptionsMin, pollQuestionLengthMax, pollsMax } from "./polls";
import { questionLengthMax, questionsMax } from "./questions";
import { capacityMax, waitlistMax } from "./registration";

/**
 * The one source of a live event's WebSocket frames, both ways, and of the changes they carry
 * (issue 22). Every frame in is parsed with `parseEventClientFrame`; a bad one earns an error frame.
 */

/** An `open_poll` frame holds up to 10 options of 80 characters (3 bytes each in UTF-8 at worst). */
export const eventClientFrameBytesMax = 4096;

const memberId = z.string().min(1).max(64);
const timeMs = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
const seq = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
const count = z.number().int().min(0).max(capacityMax + waitlistMax);
const id = z.number().int().min(1).max(questionsMax);
const pollId = z.number().int().min(1).max(pollsMax);
const choice = z.number().int().min(0).max(pollOptionsMax - 1);

export const QuestionSchema = z.object({
  id,
  askerId: memberId,
  askerTierRank: z.number().int().min(0).max(63),
  text: z.string().max(questionLengthMax),
  atMs: timeMs,
  votes: count,
  status: z.enum(["open", "answered", "hidden"]),
});

export const PollSchema = z.object({
  id: pollId,
  question: z.string().max(pollQuestionLengthMax),
  options: z.array(z.string().max(pollOptionLengthMax)).min(pollOptionsMin).max(pollOptionsMax),
  multiple: z.boolean(),
  status: z.enum(["open", "closed"]),
  tallies: z.array(count).max(pollOptionsMax),
  openedAtMs: timeMs,
  closedAtMs: timeMs.nullable(),
});

export const CountsSchema = z.object({ capacity: count, overflowSeats: count, registered: count, overflow: count, waitlisted: count });

/** What every socket of an event hears: small plain objects, sequenced by the actor. Who voted what in a poll is never sent. */
export const EventChangeSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("counts"), counts: CountsSchema }),
  z.object({ type: z.literal("question_asked"), question: QuestionSchema }),
  z.object({ type: z.literal("question_upvoted"), questionId: id, votes: count }),
  z.object({ type: z.literal("question_answered"), questionId: id }),
  z.object({ type: z.literal("question_hidden"), questionId: id }),
  z.object({ type: z.literal("poll_opened"), poll: PollSchema }),
  z.object({ type: z.literal("poll_tallied"), pollId, tallies: z.array(count).max(pollOptionsMax) }),
  z.object({ type: z.literal("poll_closed"), pollId, atMs: timeMs }),
]);
export type EventChange = z.infer<typeof EventChangeSchema>;

/** The event as a page sees it: counts, the Q&A board in order (hidden questions left out), and the polls. */
export const EventViewSchema = z.object({
  status: z.enum(["upcoming", "live", "ended"]),
  hostId: memberId,
  startsAtMs: timeMs,
  endsAtMs: timeMs,
  counts: CountsSchema,
  questions: z.array(QuestionSchema).max(questionsMax),
  polls: z.array(PollSchema).max(pollsMax),
});
export type EventView = z.infer<typeof EventViewSchema>;

export const EventClientFrameSchema = z.discriminatedUnion("type", [
  /** First frame on a socket; `lastSeq` is the last sequence number the page applied, to resume after a reconnect. */
  z.object({ type: z.literal("hello"), lastSeq: seq.optional() }),
  /** Every 20 s: keeps the member present (attendance milestones) and acknowledges what the page applied. */
  z.object({ type: z.literal("heartbeat"), lastSeq: seq.optional() }),
  /** Hidden time does not count as attendance. */
  z.object({ type: z.literal("visibility"), hidden: z.boolean() }),
  z.object({ type: z.literal("ask"), text: z.string().min(1).max(questionLengthMax) }),
  z.object({ type: z.literal("upvote"), questionId: id }),
  z.object({ type: z.literal("answer"), questionId: id }),
  z.object({ type: z.literal("hide"), questionId: id }),
  z.object({
    type: z.literal("open_poll"),
    question: z.string().min(1).max(pollQuestionLengthMax),
    options: z.array(z.string().min(1).max(pollOptionLengthMax)).min(pollOptionsMin).max(pollOptionsMax),
    multiple: z.boolean(),
  }),
  z.object({ type: z.literal("close_poll"), pollId }),
  z.object({ type: z.literal("vote"), pollId, choices: z.array(choice).min(1).max(pollOptionsMax) }),
]);
export type EventClientFrame = z.infer<typeof EventClientFrameSchema>;

export const MilestoneStatusSchema = z.object({ minutes: z.number().int(), kind: z.string(), status: z.enum(["not_yet", "owed", "paid", "refused"]) });

export const EventServerFrameSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("snapshot"), seq, state: EventViewSchema }),
  z
    .object({ type: z.literal("events"), fromSeq: seq, toSeq: seq, events: z.array(EventChangeSchema).min(1).max(eventsPerFrameMax) })
    .refine((frame) => frame.toSeq - frame.fromSeq + 1 === frame.events.length, { message: "an events frame carries one change per sequence number", path: ["toSeq"] }),
  z.object({ type: z.literal("error"), code: z.string().regex(/^[a-z][a-z0-9_]*$/).max(errorCodeLengthMax), message: z.string().max(errorMessageLengthMax) }),
  /** The member's own present time and milestones. */
  z.object({ type: z.literal("attendance"), presentMs: z.number().int().min(0), milestones: z.array(MilestoneStatusSchema).max(10) }),
  /** The member's own upvotes and poll choices (on connect and after each of their changes), so the page marks them. */
  z.object({ type: z.literal("mine"), upvoted: z.array(id).max(questionsMax), votes: z.array(z.object({ pollId, choices: z.array(choice).max(pollOptionsMax) })).max(pollsMax) }),
]);
export type EventServerFrame = z.infer<typeof EventServerFrameSchema>;

const clientFrameTypes: readonly string[] = EventClientFrameSchema.options.map((option) => option.shape.type.value);

export const parseEventClientFrame: (data: string | ArrayBuffer) => FrameParse<EventClientFrame> = frameParser<EventClientFrame>(EventClientFrameSchema, clientFrameTypes, eventClientFrameBytesMax);
