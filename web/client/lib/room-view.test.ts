import { describe, expect, it } from "vitest";
import type { RoomView } from "../../../domain/rooms/frames";
import { applyFrame } from "./room-view";

const atMs = 1_764_000_000_000;
const view: RoomView = { status: "live", hostId: "mem_host", speakerCap: 4, speakers: [], promoted: [], queue: [], presentCount: 1, startedAtMs: atMs, endedAtMs: null };

describe("the room page's copy of the room", () => {
  it("applies events in sequence, orders hands by tier then time, and counts who is present", () => {
    const outcome = applyFrame({ seq: 4, view }, {
      type: "events",
      fromSeq: 5,
      toSeq: 8,
      events: [
        { type: "member_arrived", memberId: "mem_a", atMs },
        { type: "member_arrived", memberId: "mem_b", atMs },
        { type: "hand_raised", memberId: "mem_a", tierRank: 0, atMs },
        { type: "hand_raised", memberId: "mem_b", tierRank: 2, atMs: atMs + 1 },
      ],
    });
    expect(outcome).toMatchObject({ changed: true, gap: false, room: { seq: 8 } });
    expect(outcome.room.view.queue.map((entry) => entry.memberId)).toEqual(["mem_b", "mem_a"]);
    expect(outcome.room.view.presentCount).toBe(3);
    const left = applyFrame(outcome.room, { type: "events", fromSeq: 9, toSeq: 9, events: [{ type: "member_left", memberId: "mem_b", atMs }] });
    expect(left.room.view).toMatchObject({ presentCount: 2, queue: [{ memberId: "mem_a" }] });
  });

  it("skips events it already applied, and reports a gap instead of applying past one", () => {
    const room = { seq: 6, view };
    const replayed = applyFrame(room, { type: "events", fromSeq: 5, toSeq: 7, events: [
      { type: "member_arrived", memberId: "mem_a", atMs },
      { type: "member_arrived", memberId: "mem_b", atMs },
      { type: "member_arrived", memberId: "mem_c", atMs },
    ] });
    expect(replayed.room).toMatchObject({ seq: 7, view: { presentCount: 2 } });
    expect(applyFrame(room, { type: "events", fromSeq: 3, toSeq: 4, events: [{ type: "room_started", atMs }, { type: "room_started", atMs }] })).toMatchObject({ changed: false, gap: false, room });
    expect(applyFrame(room, { type: "events", fromSeq: 8, toSeq: 8, events: [{ type: "room_ended", atMs }] })).toMatchObject({ changed: false, gap: true, room });
  });

  it("takes a snapshot as the whole room", () => {
    const snapshot = { ...view, presentCount: 40 };
    expect(applyFrame({ seq: 9, view }, { type: "snapshot", seq: 12, state: snapshot }).room).toEqual({ seq: 12, view: snapshot });
  });
});
