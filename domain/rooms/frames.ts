// `z` from @hono/zod-openapi, not zod: a schema module that loads before it and calls .openapi() dies (NOTES).
import { z } from "@hono/zod-openapi";
import { type FrameParse, errorCodeLengthMax, errorMessageLengthMax, eventsPerFrameMax, frameParser } from "../live/frame-parser";
import { presentCountMax, queueLengthMax, speakerCountMax, tierRankMax } from "./speaker-queue";

export { errorCodeLengthMax, errorMessageLengthMax, eventsPerFrameMax };

/**
 * The one source of the room's WebSocket frames, both ways, and of the room events they carry.
 * Every frame in is parsed with `parseClientFrame`; a bad one earns an error frame, never a closed room.
 */

/** A client frame's size in UTF-8 bytes, checked before JSON parsing: the largest real frame is under 200 bytes. */
export const clientFrameBytesMax = 2048;
/** Member ids are ours (TRTC advises user ids of 32 bytes at most); twice that leaves room. */
export const memberIdLengthMax = 64;

const memberId = z.string().min(1).max(memberIdLengthMax);
const timeMs = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
const seq = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
const tierRank = z.number().int().min(0).max(tierRankMax);
const durationMs = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);

/** What happened in a room: small plain objects, sequenced by the actor and sent as they are. */
export const RoomEventSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("room_started"), atMs: timeMs }),
  z.object({ type: z.literal("room_ended"), atMs: timeMs }),
  z.object({ type: z.literal("member_arrived"), memberId, atMs: timeMs }),
  z.object({ type: z.literal("member_left"), memberId, atMs: timeMs }),
  z.object({ type: z.literal("member_removed"), memberId, atMs: timeMs }),
  z.object({ type: z.literal("hand_raised"), memberId, tierRank, atMs: timeMs }),
  z.object({ type: z.literal("hand_lowered"), memberId, atMs: timeMs }),
  z.object({ type: z.literal("speaker_promoted"), memberId, atMs: timeMs }),
  z.object({ type: z.literal("speaker_arrived"), memberId, atMs: timeMs }),
  z.object({ type: z.literal("speaker_demoted"), memberId, atMs: timeMs }),
  z.object({ type: z.literal("speaker_muted"), memberId, muted: z.boolean(), atMs: timeMs }),
  z.object({ type: z.literal("promotion_expired"), memberId, atMs: timeMs }),
]);
export type RoomEvent = z.infer<typeof RoomEventSchema>;

/** The room as a client sees it (`roomView`): who is on the stage and in the queue, and how many are present. */
export const RoomViewSchema = z.object({
  status: z.enum(["scheduled", "live", "ended"]),
  hostId: memberId,
  speakerCap: z.number().int().min(1).max(speakerCountMax),
  speakers: z.array(z.object({ memberId, since: timeMs, muted: z.boolean() })).max(speakerCountMax),
  promoted: z.array(z.object({ memberId, promotedAtMs: timeMs })).max(speakerCountMax),
  queue: z.array(z.object({ memberId, tierRank, raisedAtMs: timeMs })).max(queueLengthMax),
  presentCount: z.number().int().min(0).max(presentCountMax),
  startedAtMs: timeMs.nullable(),
  endedAtMs: timeMs.nullable(),
});
export type RoomView = z.infer<typeof RoomViewSchema>;

/** Frames a member's page sends. The room knows who sent it from the socket, and the member's tier from its own records. */
export const ClientFrameSchema = z.discriminatedUnion("type", [
  /** First frame on a socket; `lastSeq` is the last sequence number the page applied, to resume after a reconnect. */
  z.object({ type: z.literal("hello"), lastSeq: seq.optional() }),
  /** Keeps the member present; `lastSeq` acknowledges what the page has applied, so the room sees how far behind a socket is. */
  z.object({ type: z.literal("heartbeat"), lastSeq: seq.optional() }),
  /** The page went to the background or came back: hidden time does not count as attendance. */
  z.object({ type: z.literal("visibility"), hidden: z.boolean() }),
  z.object({ type: z.literal("raise_hand") }),
  /** A promoted member takes the stage (their audio is on): without it within the timeout, the promotion lapses. */
  z.object({ type: z.literal("take_stage") }),
  z.object({ type: z.literal("lower_hand") }),
  z.object({ type: z.literal("promote"), memberId }),
  z.object({ type: z.literal("demote"), memberId }),
  z.object({ type: z.literal("mute"), memberId, muted: z.boolean() }),
  z.object({ type: z.literal("remove"), memberId }),
  z.object({ type: z.literal("start") }),
  z.object({ type: z.literal("end") }),
]);
export type ClientFrame = z.infer<typeof ClientFrameSchema>;
export type ClientFrameType = ClientFrame["type"];

/** Frames the room sends. */
export const ServerFrameSchema = z.discriminatedUnion("type", [
  /** The whole room at `seq`: on hello, and when a reconnecting page missed more than the room keeps. */
  z.object({ type: z.literal("snapshot"), seq, state: RoomViewSchema }),
  /** Events `fromSeq`..`toSeq` (inclusive, one sequence number each) that landed together. */
  z
    .object({ type: z.literal("events"), fromSeq: seq, toSeq: seq, events: z.array(RoomEventSchema).min(1).max(eventsPerFrameMax) })
    .refine((frame) => frame.toSeq - frame.fromSeq + 1 === frame.events.length, {
      message: "an events frame carries one event per sequence number from fromSeq to toSeq",
      path: ["toSeq"],
    }),
  z.object({
    type: z.literal("error"),
    code: z.string().regex(/^[a-z][a-z0-9_]*$/, "error codes are snake_case").max(errorCodeLengthMax),
    message: z.string().max(errorMessageLengthMax),
  }),
  /** The member's own attendance so far, and whether it has paid. */
  z.object({ type: z.literal("attendance"), attendedMs: durationMs, thresholdMs: durationMs, paid: z.boolean() }),
]);
export type ServerFrame = z.infer<typeof ServerFrameSchema>;

export type ClientFrameParse = FrameParse<ClientFrame>;

const clientFrameTypes: readonly string[] = ClientFrameSchema.options.map((option) => option.shape.type.value);

/**
 * A frame from a page, checked, or why it is refused. Never throws: the size is checked before the
 * JSON is parsed, then the type, then the fields. Binary frames are refused (the room speaks JSON text).
 */
export const parseClientFrame = frameParser<ClientFrame>(ClientFrameSchema, clientFrameTypes, clientFrameBytesMax);
