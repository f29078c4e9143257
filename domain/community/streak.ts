import { TZDate } from "@date-fns/tz";
import { startOfDay } from "date-fns";
import type { StreakRules } from "./action-rules";
import { localDay } from "./weekly-features";

export type StreakState = { lastClaimDay: string | null; current: number; longest: number };

export type StreakClaimDecision =
  | { ok: true; day: string; current: number; longest: number; basePoints: number; milestoneBonus: number; nextClaimAtMs: number }
  | { ok: false; status: 409; code: "streak_already_claimed"; message: string; nextClaimAtMs: number };

export type StreakWarningRules = { atRiskHour: number; atRiskMinStreak: number; inactiveHours: number };
export type StreakWarningState = { lastClaimDay: string | null; current: number; lastActivityAtMs: number | null };

const dayMs = 86_400_000;
const hourMs = 3_600_000;

/**
 * A daily streak claim at `nowMs`: once per calendar day in the member's time zone. The streak
 * continues when the previous local day was claimed and restarts at 1 otherwise.
 */
export function decideStreakClaim(state: StreakState, nowMs: number, timeZone: string, rules: StreakRules): StreakClaimDecision {
  const today = localDay(nowMs, timeZone);
  // A claim day after today happens when a member moves to a zone further west: the claimed day
  // still counts, so the next claim waits for the day after it.
  if (state.lastClaimDay !== null && state.lastClaimDay >= today) {
    const nextClaimAtMs = startOfLocalDay(dayAfter(state.lastClaimDay), timeZone);
    return {
      ok: false,
      status: 409,
      code: "streak_already_claimed",
      message: `The streak was already claimed for ${state.lastClaimDay} (${timeZone}); the next claim opens at ${new TZDate(nextClaimAtMs, timeZone).toISOString()}`,
      nextClaimAtMs,
    };
  }
  const current = state.lastClaimDay === dayAfter(today, -1) ? state.current + 1 : 1;
  const longest = Math.max(state.longest, current);
  if (current < 1 || longest < current) throw new Error(`streak invariant broken: current ${current}, longest ${longest}`);
  return {
    ok: true,
    day: today,
    current,
    longest,
    basePoints: Math.floor((rules.points * Math.min(current, rules.capDays)) / rules.divisor),
    milestoneBonus: rules.milestones[String(current)] ?? 0,
    nextClaimAtMs: startOfNextLocalDay(nowMs, timeZone),
  };
}

/** The first instant of the member's next local day: a local midnight, 23, 24 or 25 hours away. */
export function startOfNextLocalDay(ms: number, timeZone: string): number {
  return startOfLocalDay(dayAfter(localDay(ms, timeZone)), timeZone);
}

/**
 * When the decay warnings fall due. `atRiskAtMs`: atRiskHour:00 local on the day after the last
 * claim, for a streak long enough to be worth warning about. `inactiveAtMs`: inactiveHours after the
 * last activity. The caller compares them with the time and its own record of sent warnings.
 */
export function streakWarningTimes(
  state: StreakWarningState,
  timeZone: string,
  warnings: StreakWarningRules,
): { atRiskAtMs: number | null; inactiveAtMs: number | null } {
  const atRisk = state.lastClaimDay !== null && state.current >= warnings.atRiskMinStreak;
  return {
    atRiskAtMs: atRisk && state.lastClaimDay !== null ? localTime(dayAfter(state.lastClaimDay), warnings.atRiskHour, timeZone) : null,
    inactiveAtMs: state.lastActivityAtMs === null ? null : state.lastActivityAtMs + warnings.inactiveHours * hourMs,
  };
}

/** The calendar day `days` after a "YYYY-MM-DD" day; plain calendar arithmetic, no time zone involved. */
export function dayAfter(day: string, days = 1): string {
  const [year, month, date] = parseDay(day);
  return new Date(Date.UTC(year, month - 1, date) + days * dayMs).toISOString().slice(0, 10);
}

/** The first instant of a local day. From noon, so that a day whose midnight is skipped by DST still has a start. */
export function startOfLocalDay(day: string, timeZone: string): number {
  const [year, month, date] = parseDay(day);
  const start = startOfDay(new TZDate(year, month - 1, date, 12, 0, 0, timeZone)).getTime();
  // Where the clocks go back from 01:00 to 00:00 (Asia/Gaza) midnight happens twice and date-fns
  // lands on the second one: search back for the first.
  return localDay(start - 1, timeZone) === day ? firstInstantOf(day, start, timeZone) : start;
}

// No zone has moved its clocks back by more than 2 hours at once.
const clockChangeMaxMs = 6 * hourMs;

/** Binary search for the first instant of `day` before `inDay`, knowing local days only move forward. */
function firstInstantOf(day: string, inDay: number, timeZone: string): number {
  let before = inDay - clockChangeMaxMs;
  if (localDay(before, timeZone) >= day) throw new Error(`${day} in ${timeZone} starts more than 6 h before its second midnight`);
  let after = inDay;
  while (after - before > 1) {
    const middle = Math.floor((before + after) / 2);
    if (localDay(middle, timeZone) >= day) after = middle;
    else before = middle;
  }
  return after;
}

function localTime(day: string, hour: number, timeZone: string): number {
  const [year, month, date] = parseDay(day);
  return new TZDate(year, month - 1, date, hour, 0, 0, timeZone).getTime();
}

function parseDay(day: string): [number, number, number] {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (!match) throw new Error(`expected a day as YYYY-MM-DD, got "${day}"`);
  return [Number(match[1]), Number(match[2]), Number(match[3])];
}

/** The streak as it stands at `nowMs`: the stored count while unbroken (last claim today or yesterday, local), else 0. Gates and views read this. */
export function effectiveStreak(state: Pick<StreakState, "lastClaimDay" | "current">, nowMs: number, timeZone: string): number {
  if (state.lastClaimDay === null) return 0;
  return state.lastClaimDay >= dayAfter(localDay(nowMs, timeZone), -1) ? state.current : 0;
}
