/**
 * Attendance of one member in one AMA, as time intervals. A member is paid for `voice_ama` once,
 * and only for time a person was there: TRTC presence counts only while the member's authenticated
 * room socket is live too (a script holding a UserSig can sit in the TRTC room; it cannot hold a
 * signed-in page open and visible).
 */

/** A half-open span of time [startMs, endMs); one with endMs ≤ startMs is empty. */
export type Interval = { startMs: number; endMs: number };

/** A member entering or leaving the room, as TRTC (103/104) or the room's own socket reports it. */
export type PresenceEvent = { kind: "enter" | "exit"; atMs: number };

/** The seed's voice AMA rule: 15 minutes attended earns the credit; 14:59 earns nothing. */
export const voiceAmaThresholdMs = 15 * 60_000;

/**
 * The most presence events the room keeps per member per AMA, per source. A member whose network
 * drops every 5 s for two hours makes about 2,900; more is a script, and the room stops recording it.
 */
export const presenceEventsPerMemberMax = 4_096;

/** Sorted, non-overlapping, non-empty intervals covering the same time; touching intervals join. */
export function mergeIntervals(intervals: readonly Interval[]): Interval[] {
  const sorted = intervals.filter(isNonEmpty).sort((a, b) => a.startMs - b.startMs || a.endMs - b.endMs);
  const merged: Interval[] = [];
  for (const interval of sorted) {
    const last = merged[merged.length - 1];
    if (last && interval.startMs <= last.endMs) last.endMs = Math.max(last.endMs, interval.endMs);
    else merged.push({ startMs: interval.startMs, endMs: interval.endMs });
  }
  return merged;
}

/** The parts of `intervals` inside `window`, merged. */
export function clipIntervals(intervals: readonly Interval[], window: Interval): Interval[] {
  return mergeIntervals(intervals)
    .map((interval) => ({ startMs: Math.max(interval.startMs, window.startMs), endMs: Math.min(interval.endMs, window.endMs) }))
    .filter(isNonEmpty);
}

/** The time covered by both lists (each merged first), merged. */
export function intersectIntervals(a: readonly Interval[], b: readonly Interval[]): Interval[] {
  const left = mergeIntervals(a);
  const right = mergeIntervals(b);
  const both: Interval[] = [];
  let i = 0;
  let j = 0;
  while (i < left.length && j < right.length) {
    const startMs = Math.max(left[i].startMs, right[j].startMs);
    const endMs = Math.min(left[i].endMs, right[j].endMs);
    if (startMs < endMs) both.push({ startMs, endMs });
    // The one that ends first cannot overlap anything further in the other list.
    if (left[i].endMs < right[j].endMs) i++;
    else j++;
  }
  return mergeIntervals(both);
}

/** The time `intervals` cover, overlaps counted once. */
export function totalMs(intervals: readonly Interval[]): number {
  return mergeIntervals(intervals).reduce((sum, interval) => sum + (interval.endMs - interval.startMs), 0);
}

/**
 * A member's presence intervals from enter and exit events in any arrival order. Events are taken
 * in time order; a repeated event counts once; an enter while present and an exit while absent
 * change nothing (an exit without an enter is ignored); an enter and an exit at the same
 * millisecond cancel out (a reconnect keeps the member present, a blip leaves them absent: never
 * an open-ended stay from a zero-length visit). An enter with no exit after it stays open until
 * `openUntilMs` (the end of the live window, or now while the AMA runs).
 */
export function intervalsFromPresence(events: readonly PresenceEvent[], openUntilMs: number): Interval[] {
  const kindsAt = new Map<number, Set<PresenceEvent["kind"]>>();
  for (const event of events) {
    if (!Number.isFinite(event.atMs)) continue;
    const kinds = kindsAt.get(event.atMs) ?? new Set();
    kinds.add(event.kind);
    kindsAt.set(event.atMs, kinds);
  }
  const intervals: Interval[] = [];
  let openSinceMs: number | null = null;
  for (const atMs of [...kindsAt.keys()].sort((a, b) => a - b)) {
    const kinds = kindsAt.get(atMs)!;
    if (kinds.size === 2) continue;
    if (kinds.has("enter") && openSinceMs === null) openSinceMs = atMs;
    else if (kinds.has("exit") && openSinceMs !== null) {
      intervals.push({ startMs: openSinceMs, endMs: atMs });
      openSinceMs = null;
    }
  }
  if (openSinceMs !== null) intervals.push({ startMs: openSinceMs, endMs: openUntilMs });
  return mergeIntervals(intervals);
}

export type AttendanceInput = {
  /** TRTC presence (callbacks 103/104). When the program has TRTC callbacks off, pass the socket intervals here too. */
  trtc: readonly Interval[];
  /** Time the member's authenticated room socket was live and its page visible. */
  socket: readonly Interval[];
  /** From the host's start to the end (or now, while live). */
  liveWindow: Interval;
  /** Count TRTC time only while the socket is live too. Off only where TRTC presence alone is trusted. */
  requireSocket: boolean;
  thresholdMs: number;
};

export type AttendanceDecision = { attendedMs: number; pays: boolean };

/**
 * How long a member attended, inside the live window, and whether that pays. With `requireSocket`
 * the attended time is TRTC ∩ socket; without callbacks the caller passes the socket intervals as
 * both, so the socket alone counts. Paying once per member per AMA is the Member's job (the source
 * id is the AMA id); this only says whether the time is enough.
 */
export function attendanceDecision(input: AttendanceInput): AttendanceDecision {
  if (!(input.thresholdMs > 0)) throw new Error(`thresholdMs must be positive, got ${input.thresholdMs}`);
  const trtc = clipIntervals(input.trtc, input.liveWindow);
  const attended = input.requireSocket ? intersectIntervals(trtc, clipIntervals(input.socket, input.liveWindow)) : trtc;
  const attendedMs = totalMs(attended);
  return { attendedMs, pays: attendedMs >= input.thresholdMs };
}

function isNonEmpty(interval: Interval): boolean {
  return interval.endMs > interval.startMs;
}
