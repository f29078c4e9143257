import { TZDate } from "@date-fns/tz";
import { format } from "date-fns";

/** A feature the weekly cross-feature multiplier counts (§4). */
export type WeeklyFeature = "voice" | "chat" | "events" | "streak";

/** The member's activity in their current ISO week, counted by the caller from the ledger. */
export type WeeklyActivity = { amaCount: number; chatDays: number; eventCount: number; streakDays: number };

// Issue 16: what makes each feature count as used this week.
export const weeklyFeatureThresholds = { amaCount: 1, chatDays: 3, eventCount: 1, streakDays: 7 } as const;

/** The member's calendar day ("YYYY-MM-DD") at an instant, in their IANA time zone. */
export function localDay(ms: number, timeZone: string): string {
  return format(new TZDate(ms, timeZone), "yyyy-MM-dd");
}

/**
 * The member's ISO week ("YYYY-Www") at an instant. The year is the ISO week-numbering year, which
 * differs from the calendar year around New Year (2027-01-01 is in 2026-W53).
 */
export function isoWeek(ms: number, timeZone: string): string {
  return format(new TZDate(ms, timeZone), "RRRR-'W'II");
}

/** The features used this week, in a fixed order. */
export function activeFeatures(activity: WeeklyActivity): WeeklyFeature[] {
  const features: WeeklyFeature[] = [];
  if (activity.amaCount >= weeklyFeatureThresholds.amaCount) features.push("voice");
  if (activity.chatDays >= weeklyFeatureThresholds.chatDays) features.push("chat");
  if (activity.eventCount >= weeklyFeatureThresholds.eventCount) features.push("events");
  if (activity.streakDays >= weeklyFeatureThresholds.streakDays) features.push("streak");
  return features;
}

/**
 * The multiplier for a number of features: multipliers[n - 1], where no feature counts as one (the
 * base 1×) and counts past the end take the last entry (the config's "4+").
 */
export function weeklyMultiplier(featureCount: number, multipliers: readonly number[]): number {
  if (multipliers.length === 0) throw new Error("weeklyMultiplier needs at least one multiplier (the config requires one)");
  const index = Math.min(Math.max(featureCount, 1), multipliers.length) - 1;
  return multipliers[index];
}
