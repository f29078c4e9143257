import { describe, expect, it } from "vitest";
import { EventServerFrameSchema, eventClientFrameBytesMax, parseEventClientFrame } from "./frames";

describe("event frames", () => {
  it("takes the event's commands and refuses what does not fit, never throwing", () => {
    expect(parseEventClientFrame(JSON.stringify({ type: "ask", text: "When is launch?" }))).toEqual({ ok: true, frame: { type: "ask", text: "When is launch?" } });
    expect(parseEventClientFrame(JSON.stringify({ type: "vote", pollId: 1, choices: [0, 2] })).ok).toBe(true);
    expect(parseEventClientFrame(JSON.stringify({ type: "ask", text: "x".repeat(501) }))).toMatchObject({ ok: false, code: "bad_frame" });
    expect(parseEventClientFrame(JSON.stringify({ type: "open_poll", question: "Q", options: ["only one"], multiple: false }))).toMatchObject({ ok: false, code: "bad_frame" });
    expect(parseEventClientFrame(JSON.stringify({ type: "raise_hand" }))).toMatchObject({ ok: false, message: expect.stringContaining("unknown frame type") });
    expect(parseEventClientFrame("x".repeat(eventClientFrameBytesMax + 1))).toMatchObject({ ok: false, message: expect.stringContaining("at most") });
    expect(parseEventClientFrame(new ArrayBuffer(4))).toMatchObject({ ok: false, code: "bad_frame" });
  });

  it("accepts an open_poll of 10 options of 80 characters, the largest real frame", () => {
    const options = Array.from({ length: 10 }, (_, index) => `${index}`.padEnd(80, "é"));
    expect(parseEventClientFrame(JSON.stringify({ type: "open_poll", question: "Q".repeat(200), options, multiple: true })).ok).toBe(true);
  });

  it("carries one change per sequence number in an events frame", () => {
    const counts = { type: "counts", counts: { capacity: 1, overflowSeats: 0, registered: 1, overflow: 0, waitlisted: 0 } };
    expect(EventServerFrameSchema.safeParse({ type: "events", fromSeq: 3, toSeq: 3, events: [counts] }).success).toBe(true);
    expect(EventServerFrameSchema.safeParse({ type: "events", fromSeq: 3, toSeq: 4, events: [counts] }).success).toBe(false);
  });
});
