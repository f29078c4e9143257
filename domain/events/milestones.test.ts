import { describe, expect, it } from "vitest";
import { milestoneSourceId, milestonesDue, presentMs } from "./milestones";

const start = Date.parse("2026-12-04T18:00:00Z");
const minutes = (count: number) => count * 60_000;

describe("event attendance milestones", () => {
  it("counts present time inside the event's window only, overlapping tabs once", () => {
    const window = { startMs: start, endMs: start + minutes(60) };
    const socket = [
      { startMs: start - minutes(5), endMs: start + minutes(8) },
      { startMs: start + minutes(4), endMs: start + minutes(12) },
      { startMs: start + minutes(55), endMs: start + minutes(70) },
    ];
    expect(presentMs(socket, window)).toBe(minutes(12 + 5));
  });

  it("owes each milestone once, when its minutes are reached", () => {
    expect(milestonesDue(minutes(9) + 59_999, new Set())).toEqual([]);
    expect(milestonesDue(minutes(10), new Set()).map((milestone) => milestone.kind)).toEqual(["live_event"]);
    expect(milestonesDue(minutes(61), new Set([10])).map((milestone) => milestone.minutes)).toEqual([30, 60]);
    expect(milestonesDue(minutes(61), new Set([10, 30, 60]))).toEqual([]);
  });

  it("credits live_event with the event id as its source, the later milestones with their own", () => {
    expect([milestoneSourceId("evt_1", 10), milestoneSourceId("evt_1", 30)]).toEqual(["evt_1", "evt_1:30m"]);
  });
});
