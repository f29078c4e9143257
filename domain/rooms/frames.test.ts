import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type ClientFrame, ClientFrameSchema, ServerFrameSchema, clientFrameBytesMax, eventsPerFrameMax, memberIdLengthMax, parseClientFrame } from "./frames";
import { decideRoom, evolveRoom, initialRoomState, roomView } from "./speaker-queue";

const now = Date.parse("2026-11-20T18:00:00Z");
const text = (frame: unknown) => JSON.stringify(frame);

describe("parseClientFrame", () => {
  const frames: ClientFrame[] = [
    { type: "hello" },
    { type: "hello", lastSeq: 41 },
    { type: "heartbeat" },
    { type: "heartbeat", lastSeq: 7 },
    { type: "visibility", hidden: true },
    { type: "raise_hand" },
    { type: "take_stage" },
    { type: "lower_hand" },
    { type: "promote", memberId: "alice" },
    { type: "demote", memberId: "alice" },
    { type: "mute", memberId: "alice", muted: false },
    { type: "remove", memberId: "alice" },
    { type: "start" },
    { type: "end" },
  ];

  it.each(frames.map((frame) => [text(frame), frame] as const))("accepts %s", (raw, frame) => {
    expect(parseClientFrame(raw)).toEqual({ ok: true, frame });
  });

  it("refuses a frame over the size limit before reading it, counting bytes, not characters", () => {
    const padded = (pad: string) => text({ type: "heartbeat", pad });
    expect(parseClientFrame(padded("x".repeat(clientFrameBytesMax)))).toMatchObject({ ok: false, code: "bad_frame", message: expect.stringContaining("at most 2048 bytes") });
    // 700 euro signs are 700 characters but 2,100 bytes.
    expect(parseClientFrame(padded("€".repeat(700)))).toMatchObject({ ok: false, code: "bad_frame" });
    expect(parseClientFrame(padded("€".repeat(600)))).toMatchObject({ ok: true, frame: { type: "heartbeat" } });
  });

  it("refuses text that is not JSON, JSON that is not a frame, and binary data", () => {
    expect(parseClientFrame("{type:")).toMatchObject({ ok: false, code: "bad_frame", message: expect.stringContaining("not JSON") });
    for (const raw of ["null", "[]", '"hello"', "42", '{"kind":"hello"}', '{"type":7}']) {
      expect(parseClientFrame(raw)).toMatchObject({ ok: false, code: "bad_frame", message: expect.stringContaining('"type"') });
    }
    expect(parseClientFrame(new ArrayBuffer(16))).toMatchObject({ ok: false, message: expect.stringContaining("binary") });
  });

  it("names the known frame types when the type is unknown", () => {
    const parsed = parseClientFrame(text({ type: "become_host" }));
    expect(parsed).toMatchObject({ ok: false, code: "bad_frame" });
    if (!parsed.ok) expect(parsed.message).toBe(`unknown frame type "become_host"; expected one of ${frames.map((frame) => frame.type).filter((type, index, all) => all.indexOf(type) === index).join(", ")}`);
  });

  it("names the field at fault when a known frame is malformed", () => {
    expect(parseClientFrame(text({ type: "promote" }))).toMatchObject({ ok: false, message: expect.stringMatching(/^promote: memberId: /) });
    expect(parseClientFrame(text({ type: "mute", memberId: "alice", muted: "yes" }))).toMatchObject({ ok: false, message: expect.stringMatching(/^mute: muted: /) });
    expect(parseClientFrame(text({ type: "hello", lastSeq: -1 }))).toMatchObject({ ok: false, message: expect.stringMatching(/^hello: lastSeq: /) });
    expect(parseClientFrame(text({ type: "promote", memberId: "" }))).toMatchObject({ ok: false });
  });

  it("bounds member ids to 64 characters", () => {
    expect(parseClientFrame(text({ type: "remove", memberId: "m".repeat(memberIdLengthMax) }))).toMatchObject({ ok: true });
    expect(parseClientFrame(text({ type: "remove", memberId: "m".repeat(memberIdLengthMax + 1) }))).toMatchObject({ ok: false, code: "bad_frame" });
  });

  it("never throws, whatever arrives", () => {
    const anyText = fc.oneof(
      fc.string({ maxLength: 100 }),
      // Long text near the size limit, cut anywhere (even inside a surrogate pair).
      fc
        .tuple(fc.string({ unit: "binary", minLength: 1, maxLength: 8 }), fc.integer({ min: 600, max: 2_100 }))
        .map(([unit, count]) => unit.repeat(Math.ceil(count / unit.length)).slice(0, count)),
      fc.jsonValue({ maxDepth: 3 }).map((value) => JSON.stringify(value)),
      fc.record({ type: fc.constantFrom(...frames.map((frame) => frame.type), "other"), memberId: fc.anything({ maxDepth: 1 }), lastSeq: fc.anything({ maxDepth: 1 }), hidden: fc.anything({ maxDepth: 1 }) }).map(text),
    );
    fc.assert(
      fc.property(anyText, (raw) => {
        const parsed = parseClientFrame(raw);
        if (parsed.ok) expect(ClientFrameSchema.safeParse(parsed.frame).success).toBe(true);
        else expect(parsed.code).toBe("bad_frame");
      }),
    );
  });
});

describe("ServerFrameSchema", () => {
  it("carries a snapshot of the room as clients see it", () => {
    let room = initialRoomState("host", 4);
    for (const command of [{ type: "arrive", by: "alice" }, { type: "start", by: "host" }, { type: "raiseHand", by: "alice", tierRank: 2 }] as const) {
      const decision = decideRoom(room, command, now);
      if (!decision.ok) throw new Error(decision.message);
      room = decision.events.reduce(evolveRoom, room);
    }
    expect(ServerFrameSchema.safeParse({ type: "snapshot", seq: 3, state: roomView(room) }).success).toBe(true);
  });

  it("carries one event per sequence number in an events frame, and no more than a frame's bound", () => {
    const event = { type: "hand_raised", memberId: "alice", tierRank: 2, atMs: now };
    expect(ServerFrameSchema.safeParse({ type: "events", fromSeq: 4, toSeq: 5, events: [event, { ...event, type: "hand_lowered" }] }).success).toBe(true);
    expect(ServerFrameSchema.safeParse({ type: "events", fromSeq: 4, toSeq: 6, events: [event] }).success).toBe(false);
    const many = Array.from({ length: eventsPerFrameMax + 1 }, () => event);
    expect(ServerFrameSchema.safeParse({ type: "events", fromSeq: 1, toSeq: many.length, events: many }).success).toBe(false);
  });

  it("carries error and attendance frames", () => {
    expect(ServerFrameSchema.safeParse({ type: "error", code: "not_host", message: "Only the host can promote a speaker" }).success).toBe(true);
    expect(ServerFrameSchema.safeParse({ type: "error", code: "Not Host", message: "" }).success).toBe(false);
    expect(ServerFrameSchema.safeParse({ type: "attendance", attendedMs: 61_000, thresholdMs: 900_000, paid: false }).success).toBe(true);
  });
});
