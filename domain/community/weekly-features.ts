import { dayIn } from "../time/calendar";

/** A feature the weekly cross-feature multiplier counts (§4). */
export type WeeklyFeature = "voice" | "chat" | "events" | "streak";

/** The member's activity in their current ISO week, counted by the caller from the ledger. */
export type WeeklyActivity = { amaCount: number; chatDays: number; eventCount: number; streakDays: number };

// Issue 16: what makes each feature count as used this week.
export const weeklyFeatureThresholds = { amaCount: 1, chatDays: 3, eventCount: 1, streakDays: 7 } as const;

/**
 * The member's calendar day ("YYYY-MM-DD") at an instant, in their IANA time zone: the zone
 * database's answer through a cached Intl formatter (a credit needs it on every write; date-fns'
 * format on a TZDate costs about 150 times more).
 */
export function localDay(ms: number, timeZone: string): string {
  return dayIn(timeZone, new Date(ms)).date;
}

/**
 * The member's ISO week ("YYYY-Www") at an instant. The week of a calendar date does not depend on
 * the zone once the local date is known; the year is the ISO week-numbering year, which differs from
 * the calendar year around New Year (2027-01-01 is in 2026-W53).
 */
export function isoWeek(ms: number, timeZone: string): string {
  return isoWeekOfDay(localDay(ms, timeZone));
}

const dayMs = 86_400_000;

/** ISO 8601: the week belongs to the year of its Thursday; week 1 holds the year's first Thursday. */
export function isoWeekOfDay(day: string): string {
  const [year, month, date] = day.split("-").map(Number);
  const utc = Date.UTC(year, month - 1, date);
  const weekday = (new Date(utc).getUTCDay() + 6) % 7; // Monday 0 … Sunday 6
  const thursday = new Date(utc + (3 - weekday) * dayMs);
  const weekYear = thursday.getUTCFullYear();
  const week = 1 + Math.floor((thursday.getTime() - Date.UTC(weekYear, 0, 1)) / (7 * dayMs));
  return `${weekYear}-W${String(week).padStart(2, "0")}`;
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
