import { creditPointsMax } from "../programs/program-config";
import type { ActionRule } from "./action-rules";
import { startOfNextLocalDay } from "./streak";
import { localDay } from "./weekly-features";

/**
 * What the member's history says about one action kind, as the actor loads it: the accepted credits
 * of the kind near the credit's time (within a cooldown either side, and up to the latest a credit
 * can carry), and the accepted credits per local day for the credit's day and the days after it.
 */
export type ActionHistory = {
  nearbyAtMs: readonly number[];
  creditsByDay: Readonly<Record<string, number>>;
};

/** When the credit happened, when it arrives, in which zone its day falls, and whether the caller named the time. */
export type ActionTiming = { occurredAtMs: number; nowMs: number; timeZone: string; timeGiven: boolean };

export type ActionRejectionCode = "unknown_action" | "cooldown_active" | "daily_cap_reached";

export type ActionDecision =
  | { ok: true }
  | { ok: false; status: 422; code: ActionRejectionCode; message: string; retryAfterSeconds?: number };

export type PointsFactor = "base" | "tier" | "weekly";
export type CommunityPoints = { points: number; breakdown: { factor: PointsFactor; value: number }[] };

/** How far ahead a retry is searched: a cooldown, then a day's cap, then another cooldown at most. */
const retrySearchStepsMax = 8;

/**
 * Whether an action of `kind` that happened at `occurredAtMs` may be credited, whatever the order in
 * which credits arrive: among accepted credits of a kind any two are at least the cooldown apart, and
 * a local day holds at most the cap. A late event that fits between earlier ones is accepted.
 * A refusal says when a retry succeeds only when the retry can: a credit "as of now" (no time given)
 * fits at a later time; one with its own time never will.
 */
export function decideAction(rule: ActionRule | undefined, kind: string, history: ActionHistory, timing: ActionTiming): ActionDecision {
  if (!rule) {
    return { ok: false, status: 422, code: "unknown_action", message: `"${kind}" is not an action kind of this program; add it to community.actions` };
  }
  const blocker = blockerAt(rule, history, timing.occurredAtMs, timing.timeZone);
  if (blocker === null) return { ok: true };
  const retryAfterSeconds = timing.timeGiven ? undefined : Math.max(1, Math.ceil((earliestFit(rule, history, timing) - timing.nowMs) / 1000));
  const retry = retryAfterSeconds === undefined ? {} : { retryAfterSeconds };
  if (blocker.kind === "cap") {
    const when = retryAfterSeconds === undefined ? `that day (${blocker.day}) is full, so this one cannot be credited` : "try again tomorrow";
    return { ok: false, status: 422, code: "daily_cap_reached", message: `"${kind}" can earn ${rule.dailyCap} time(s) a day; ${when}`, ...retry };
  }
  const when =
    retryAfterSeconds === undefined
      ? `another credit at ${new Date(blocker.atMs).toISOString()} is closer than that to this one's time, so this one cannot be credited`
      : `retry in ${retryAfterSeconds} s`;
  return { ok: false, status: 422, code: "cooldown_active", message: `"${kind}" earns at most once every ${formatMinutes(rule.cooldownMs)}; ${when}`, ...retry };
}

type Blocker = { kind: "cap"; day: string } | { kind: "cooldown"; atMs: number };

/** What stops a credit at `atMs`: its day's cap (checked first: waiting out a cooldown would not help), or the nearest credit within the cooldown. */
function blockerAt(rule: ActionRule, history: ActionHistory, atMs: number, timeZone: string): Blocker | null {
  if (rule.dailyCap !== null) {
    const day = localDay(atMs, timeZone);
    if ((history.creditsByDay[day] ?? 0) >= rule.dailyCap) return { kind: "cap", day };
  }
  if (rule.cooldownMs <= 0) return null;
  const within = history.nearbyAtMs.filter((at) => Math.abs(at - atMs) < rule.cooldownMs);
  return within.length === 0 ? null : { kind: "cooldown", atMs: Math.max(...within) };
}

/** The first time from now at which a credit "as of now" fits: past every cooldown and into a day with room. */
function earliestFit(rule: ActionRule, history: ActionHistory, timing: ActionTiming): number {
  let atMs = timing.nowMs;
  for (let step = 0; step < retrySearchStepsMax; step++) {
    const blocker = blockerAt(rule, history, atMs, timing.timeZone);
    if (blocker === null) break;
    atMs = blocker.kind === "cap" ? startOfNextLocalDay(atMs, timing.timeZone) : blocker.atMs + rule.cooldownMs;
  }
  return atMs;
}

/** The window of accepted credits the decision needs for a credit at `occurredAtMs` arriving at `nowMs`. */
export function historyWindow(rule: ActionRule, occurredAtMs: number, nowMs: number, futureSkewMs: number): { fromMs: number; toMs: number } {
  return { fromMs: Math.min(occurredAtMs, nowMs) - rule.cooldownMs, toMs: Math.max(occurredAtMs, nowMs) + rule.cooldownMs + futureSkewMs };
}

// Products like 100 × 1.15 land a hair under the exact integer in binary floating point.
const floorPoints = (value: number) => Math.floor(value + 1e-9);

/** Points of a credited action: floor(base × tier multiplier × weekly multiplier), floored once, never above the credit limit. */
export function communityPoints(basePoints: number, tierMultiplier: number, weeklyMultiplier: number): CommunityPoints {
  return {
    points: Math.min(creditPointsMax, floorPoints(basePoints * tierMultiplier * weeklyMultiplier)),
    breakdown: [
      { factor: "base", value: basePoints },
      { factor: "tier", value: tierMultiplier },
      { factor: "weekly", value: weeklyMultiplier },
    ],
  };
}

function formatMinutes(ms: number): string {
  const minutes = Math.ceil(ms / 60_000);
  return minutes % 60 === 0 ? `${minutes / 60} h` : `${minutes} min`;
}
