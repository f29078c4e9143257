import type { ProgramConfig } from "../programs/program-config";
import { creditRulesOf } from "../community/action-rules";
import { type Interval, clipIntervals, totalMs } from "../rooms/attendance";

/**
 * Attendance milestones of a live event (issue 22): 10, 30 and 60 minutes of present time each pay
 * once. Present time is the AMA's rule (domain/rooms/attendance.ts): a live, authenticated,
 * heartbeating socket with a visible page, inside the event's window. The 10-minute milestone
 * credits `live_event`, a qualifying action, once per event; the others credit their own kinds,
 * and count only where the program's `community.actions` configures those kinds (the preset does not).
 */
export type Milestone = { minutes: number; kind: string };

export const eventMilestones: readonly Milestone[] = [
  { minutes: 10, kind: "live_event" },
  { minutes: 30, kind: "live_event_30m" },
  { minutes: 60, kind: "live_event_60m" },
];

/** The milestones an event of this program pays: a kind the program does not credit is neither owed nor shown. */
export function milestonesPaidBy(config: ProgramConfig): Milestone[] {
  const kinds = creditRulesOf(config);
  return eventMilestones.filter((milestone) => milestone.kind in kinds);
}

/** The credit's source id at the Member: one per event and milestone, so a redelivery pays once. */
export const milestoneSourceId = (eventId: string, minutes: number) => (minutes === 10 ? eventId : `${eventId}:${minutes}m`);

/** Present time inside the event's window. */
export function presentMs(socket: readonly Interval[], window: Interval): number {
  return totalMs(clipIntervals(socket, window));
}

/** Milestones reached by `attendedMs` that are not yet owed or paid (`already` holds their minutes). */
export function milestonesDue(attendedMs: number, already: ReadonlySet<number>, milestones: readonly Milestone[] = eventMilestones): Milestone[] {
  return milestones.filter((milestone) => attendedMs >= milestone.minutes * 60_000 && !already.has(milestone.minutes));
}
