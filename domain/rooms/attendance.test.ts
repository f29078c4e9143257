import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  type Interval,
  type PresenceEvent,
  attendanceDecision,
  clipIntervals,
  intersectIntervals,
  intervalsFromPresence,
  mergeIntervals,
  totalMs,
  voiceAmaThresholdMs,
} from "./attendance";

const start = Date.parse("2026-11-20T18:00:00Z");
const minute = 60_000;
const span = (fromMinute: number, toMinute: number): Interval => ({ startMs: start + fromMinute * minute, endMs: start + toMinute * minute });
const enter = (atMs: number): PresenceEvent => ({ kind: "enter", atMs });
const exit = (atMs: number): PresenceEvent => ({ kind: "exit", atMs });
const liveWindow = span(0, 60);

/** Attendance when TRTC and the socket saw the member over the same time. */
const attended = (intervals: Interval[]) =>
  attendanceDecision({ trtc: intervals, socket: intervals, liveWindow, requireSocket: true, thresholdMs: voiceAmaThresholdMs });

describe("attendance that pays", () => {
  it("pays nothing for 14:59 and pays for 15:00", () => {
    const almost: Interval = { startMs: start, endMs: start + 14 * minute + 59_000 };
    expect(attended([almost])).toEqual({ attendedMs: 899_000, pays: false });
    expect(attended([{ startMs: start, endMs: start + 15 * minute }])).toEqual({ attendedMs: 900_000, pays: true });
  });

  it("pays nothing for TRTC presence without a live room socket", () => {
    const decision = attendanceDecision({ trtc: [span(0, 60)], socket: [], liveWindow, requireSocket: true, thresholdMs: voiceAmaThresholdMs });
    expect(decision).toEqual({ attendedMs: 0, pays: false });
  });

  it("counts only the time TRTC and the socket overlap", () => {
    const decision = attendanceDecision({ trtc: [span(0, 20)], socket: [span(10, 40)], liveWindow, requireSocket: true, thresholdMs: voiceAmaThresholdMs });
    expect(decision).toEqual({ attendedMs: 10 * minute, pays: false });
  });

  it("counts the socket alone when callbacks are off and the caller passes it as both", () => {
    expect(attended([span(5, 25)])).toEqual({ attendedMs: 20 * minute, pays: true });
  });

  it("counts TRTC alone when the socket is not required", () => {
    const decision = attendanceDecision({ trtc: [span(0, 16)], socket: [], liveWindow, requireSocket: false, thresholdMs: voiceAmaThresholdMs });
    expect(decision).toEqual({ attendedMs: 16 * minute, pays: true });
  });

  it("counts only the live window: time in the lobby and after the end does not pay", () => {
    expect(attended([span(-30, 10), span(55, 90)])).toEqual({ attendedMs: 15 * minute, pays: true });
    expect(attended([span(-30, 14)])).toMatchObject({ pays: false });
  });

  it("counts overlapping and duplicated intervals once", () => {
    expect(attended([span(0, 10), span(0, 10), span(5, 12)])).toEqual({ attendedMs: 12 * minute, pays: false });
  });

  it("pays nothing more for a replayed set of callbacks", () => {
    const events = [enter(start), exit(start + 16 * minute)];
    const once = intervalsFromPresence(events, liveWindow.endMs);
    const replayed = intervalsFromPresence([...events, ...events, ...events], liveWindow.endMs);
    expect(replayed).toEqual(once);
    expect(attended(replayed)).toEqual(attended(once));
  });
});

describe("intervals from enter and exit events", () => {
  it("builds the same intervals whatever order the events arrive in", () => {
    const inOrder = [enter(start), exit(start + 5 * minute), enter(start + 8 * minute), exit(start + 20 * minute)];
    const shuffled = [inOrder[3], inOrder[1], inOrder[2], inOrder[0]];
    expect(intervalsFromPresence(shuffled, liveWindow.endMs)).toEqual([span(0, 5), span(8, 20)]);
  });

  it("ignores an exit without an enter, and a second enter while present", () => {
    const events = [exit(start), enter(start + minute), enter(start + 3 * minute), exit(start + 4 * minute), exit(start + 9 * minute)];
    expect(intervalsFromPresence(events, liveWindow.endMs)).toEqual([span(1, 4)]);
  });

  it("keeps an enter without an exit open until the given end", () => {
    expect(intervalsFromPresence([enter(start + 50 * minute)], liveWindow.endMs)).toEqual([span(50, 60)]);
    expect(intervalsFromPresence([enter(start + 70 * minute)], liveWindow.endMs)).toEqual([]);
  });

  it("keeps a member present through a reconnect in the same millisecond, and never opens a stay from a zero-length visit", () => {
    const reconnect = [enter(start), exit(start + 5 * minute), enter(start + 5 * minute), exit(start + 30 * minute)];
    expect(intervalsFromPresence(reconnect, liveWindow.endMs)).toEqual([span(0, 30)]);
    const blip = [enter(start + 10 * minute), exit(start + 10 * minute)];
    expect(intervalsFromPresence(blip, liveWindow.endMs)).toEqual([]);
  });
});

const intervalArb = fc.record({ startMs: fc.integer({ min: 0, max: 1_000 }), endMs: fc.integer({ min: 0, max: 1_000 }) });
const intervalsArb = fc.array(intervalArb, { maxLength: 20 });
const length = (interval: Interval) => Math.max(0, interval.endMs - interval.startMs);
const covers = (intervals: readonly Interval[], atMs: number) => intervals.some((interval) => interval.startMs <= atMs && atMs < interval.endMs);

/** Sorted, non-empty, and apart: each interval starts after the previous one ends (touching ones are joined). */
function expectNormalised(intervals: Interval[]) {
  for (const interval of intervals) expect(interval.endMs).toBeGreaterThan(interval.startMs);
  for (let index = 1; index < intervals.length; index++) expect(intervals[index].startMs).toBeGreaterThan(intervals[index - 1].endMs);
}

describe("interval properties", () => {
  it("merges into sorted, non-overlapping intervals covering the same instants, idempotently", () => {
    fc.assert(
      fc.property(intervalsArb, fc.integer({ min: 0, max: 1_000 }), (intervals, atMs) => {
        const merged = mergeIntervals(intervals);
        expectNormalised(merged);
        expect(mergeIntervals(merged)).toEqual(merged);
        expect(totalMs(merged)).toBeLessThanOrEqual(intervals.reduce((sum, interval) => sum + length(interval), 0));
        expect(covers(merged, atMs)).toBe(covers(intervals, atMs));
      }),
    );
  });

  it("clips to the window and nothing else", () => {
    fc.assert(
      fc.property(intervalsArb, intervalArb, fc.integer({ min: 0, max: 1_000 }), (intervals, window, atMs) => {
        const clipped = clipIntervals(intervals, window);
        expectNormalised(clipped);
        expect(clipIntervals(clipped, window)).toEqual(clipped);
        expect(totalMs(clipped)).toBeLessThanOrEqual(Math.min(totalMs(intervals), length(window)));
        expect(covers(clipped, atMs)).toBe(covers(intervals, atMs) && covers([window], atMs));
      }),
    );
  });

  it("intersects into what both cover: inside each, the same either way round, idempotent", () => {
    fc.assert(
      fc.property(intervalsArb, intervalsArb, fc.integer({ min: 0, max: 1_000 }), (a, b, atMs) => {
        const both = intersectIntervals(a, b);
        expectNormalised(both);
        expect(intersectIntervals(b, a)).toEqual(both);
        expect(intersectIntervals(both, a)).toEqual(both);
        expect(intersectIntervals(both, b)).toEqual(both);
        expect(intersectIntervals(a, a)).toEqual(mergeIntervals(a));
        expect(totalMs(both)).toBeLessThanOrEqual(Math.min(totalMs(a), totalMs(b)));
        expect(covers(both, atMs)).toBe(covers(a, atMs) && covers(b, atMs));
      }),
    );
  });

  it("builds the same presence from events duplicated and shuffled in any way", () => {
    const eventArb = fc.record({ kind: fc.constantFrom<PresenceEvent["kind"]>("enter", "exit"), atMs: fc.integer({ min: 0, max: 200 }) });
    fc.assert(
      fc.property(fc.array(eventArb, { maxLength: 30 }), fc.func(fc.integer()), fc.array(fc.nat(), { maxLength: 10 }), (events, shuffleKey, repeats) => {
        const duplicated = [...events, ...repeats.flatMap((index) => (events.length === 0 ? [] : [events[index % events.length]]))];
        const shuffled = duplicated.map((event, index) => ({ event, key: shuffleKey(index) })).sort((x, y) => x.key - y.key).map(({ event }) => event);
        const intervals = intervalsFromPresence(events, 250);
        expectNormalised(intervals);
        expect(intervalsFromPresence(shuffled, 250)).toEqual(intervals);
        expect(totalMs(intervals)).toBeLessThanOrEqual(250);
      }),
    );
  });

  it("never pays more than the live window or either source holds", () => {
    fc.assert(
      fc.property(intervalsArb, intervalsArb, intervalArb, (trtc, socket, window) => {
        const decision = attendanceDecision({ trtc, socket, liveWindow: window, requireSocket: true, thresholdMs: 100 });
        expect(decision.attendedMs).toBeLessThanOrEqual(Math.min(totalMs(trtc), totalMs(socket), length(window)));
        expect(decision.pays).toBe(decision.attendedMs >= 100);
      }),
    );
  });
});
