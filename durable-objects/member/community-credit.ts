import { creditRulesOf, streakWarningsOf } from "../../domain/community/action-rules";
import { communityPoints, decideAction } from "../../domain/community/action-decision";
import { dayAfter, streakWarningTimes } from "../../domain/community/streak";
import { activeFeatures, isoWeek, localDay, weeklyMultiplier } from "../../domain/community/weekly-features";
import { creditAfterDebt } from "../../domain/ledger/credit";
import { lotExpiresAt } from "../../domain/ledger/expiry";
import type { Counters } from "./ledger-store";
import { raiseTierAfterCredit } from "./tier-after-credit";
import type { CommandReply, WriteContext } from "./write-context";

/** One community credit to decide: its kind, the source that pays once (AMA id, event id, chat day…), and when. */
export type CommunityCredit = {
  kind: string;
  sourceId: string;
  occurredAtMs: number;
  /** The streak and referrals set their own base (the streak's compounding, the second level's share). */
  basePoints?: number;
  /** A referral over its referrer's daily cap is recorded with the reason and pays nothing. */
  capped?: boolean;
};

type CreditRow = { reply: string };

/** How long credits wait to be told to the read side together. */
export const snapshotCoalesceMs = 2_000;

/**
 * The one path by which every community reward is credited: custom actions, the join bonus, the
 * daily streak, referrals, and what rooms, chat and governance will send. The same (kind, source)
 * never pays twice: its row keeps the first answer. Then the kind's cooldown and daily cap, the tier
 * and weekly cross-feature multipliers, debt first, a lot under the expiry policy, tier qualification.
 */
export function creditCommunity(ctx: WriteContext, credit: CommunityCredit): CommandReply & { replayed?: boolean } {
  const { store, config, profile } = ctx;
  const earlier = store.db.one<CreditRow>("SELECT reply FROM community_credits WHERE kind = ? AND source_id = ?", credit.kind, credit.sourceId);
  if (earlier) return { ...(JSON.parse(earlier.reply) as CommandReply), replayed: true };
  const rule = creditRulesOf(config)[credit.kind];
  const day = localDay(credit.occurredAtMs, profile.timezone);
  const week = isoWeek(credit.occurredAtMs, profile.timezone);
  const decision = decideAction(rule, credit.kind, rule ? actionHistory(ctx, credit.kind, day, rule.dailyCap !== null, rule.cooldownMs > 0) : { lastCreditAtMs: null, creditsToday: 0 }, credit.occurredAtMs);
  if (!decision.ok) {
    const retry = decision.retryAfterSeconds === undefined ? {} : { retryAfterSeconds: decision.retryAfterSeconds };
    return { status: decision.status, body: { error: { code: decision.code, message: decision.message, ...retry } } };
  }
  const feature = rule!.feature;
  const counters = store.counters();
  const features = config.community ? weekActivity(ctx, counters, week, feature, day).features : [];
  const tierMultiplier = config.tiers.find((tier) => tier.code === profile.tier)?.multiplier ?? 1;
  const weekly = weeklyMultiplier(features.length, config.community?.weeklyFeatureMultipliers ?? [1]);
  const base = credit.capped ? 0 : (credit.basePoints ?? rule!.points);
  const earned = communityPoints(base, tierMultiplier, weekly);
  const { repaid, credited } = creditAfterDebt(counters.debt, earned.points);
  const ref = `${credit.kind}:${credit.sourceId}`;
  if (credited > 0) store.addLot(ref, null, ctx.nowMs, lotExpiresAt(config.expiry, new Date(ctx.nowMs))?.getTime() ?? null, credited);
  // The read side hears of credits in one snapshot a moment later (a burst of credits is one event).
  const snapshotDueMs = counters.snapshot_due_ms ?? ctx.nowMs + snapshotCoalesceMs;
  const lifetimePoints = counters.lifetime_points + earned.points;
  // Earning is activity: an inactivity expiry policy counts from it as from a visit.
  store.updateCounters({ debt: counters.debt - repaid, lifetime_points: lifetimePoints, last_activity_ms: ctx.nowMs, community_active_ms: ctx.nowMs, snapshot_due_ms: snapshotDueMs });
  ctx.wakeBy(snapshotDueMs);
  // Flat, as every journal detail is: the factors by name, the week's features as one list.
  const detail = { kind: credit.kind, sourceId: credit.sourceId, base, tierMultiplier, weeklyMultiplier: weekly, features: features.join(","), repaidDebt: repaid, capped: credit.capped === true };
  const balance = store.appendEntry({ kind: "action", delta: credited, pendingDelta: 0, ref, venueId: null, detail, atMs: ctx.nowMs });
  raiseTierAfterCredit(ctx, { ...counters, lifetime_points: lifetimePoints });
  // The alarm must wake for this member's next decay warning (a streak at risk, 48 h of quiet).
  if (config.community) {
    const warnings = streakWarningTimes({ lastClaimDay: counters.streak_last_day, current: counters.streak_current, lastActivityAtMs: ctx.nowMs }, profile.timezone, streakWarningsOf(config.community));
    ctx.wakeBy(warnings.atRiskAtMs !== null && warnings.atRiskAtMs > ctx.nowMs ? warnings.atRiskAtMs : null);
    ctx.wakeBy(warnings.inactiveAtMs);
  }
  const reply = {
    status: 201,
    body: {
      memberId: profile.id,
      kind: credit.kind,
      sourceId: credit.sourceId,
      points: earned.points,
      breakdown: earned.breakdown,
      features,
      repaidDebt: repaid,
      balance,
      tier: ctx.profile.tier,
      ...(credit.capped ? { capped: { code: "referral_daily_cap_reached", message: "The referrer's daily referral cap was reached: recorded, paid nothing" } } : {}),
    },
  };
  store.db.run(
    "INSERT INTO community_credits (kind, source_id, points, feature, day, week, at_ms, status, reply) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
    credit.kind,
    credit.sourceId,
    earned.points,
    feature,
    day,
    week,
    credit.occurredAtMs,
    credit.capped ? "capped" : "credited",
    JSON.stringify(reply),
  );
  return reply;
}

/** When the kind was last credited (only for a kind with a cooldown), and how often today (only for a kind with a daily cap). */
function actionHistory(ctx: WriteContext, kind: string, day: string, capped: boolean, cooled: boolean) {
  const last = cooled ? ctx.store.db.one<{ at: number | null }>("SELECT MAX(at_ms) AS at FROM community_credits WHERE kind = ? AND status = 'credited'", kind) : undefined;
  const today = capped ? ctx.store.db.one<{ count: number }>("SELECT COUNT(*) AS count FROM community_credits WHERE kind = ? AND day = ? AND status = 'credited'", kind, day)!.count : 0;
  return { lastCreditAtMs: last?.at ?? null, creditsToday: today };
}

/**
 * The member's activity in `week` and the features it makes active, counting the action being
 * credited (a credit's `feature`, on its `day`); one query over the week's credits.
 */
function weekActivity(ctx: WriteContext, counters: Counters, week: string, feature: string | null, day: string) {
  const rows = ctx.store.db.all<{ feature: string; credits: number; days: number }>(
    "SELECT feature, COUNT(*) AS credits, COUNT(DISTINCT day) AS days FROM community_credits WHERE week = ? AND feature IS NOT NULL AND status = 'credited' GROUP BY feature",
    week,
  );
  const count = (name: string) => rows.find((row) => row.feature === name);
  const chatDays = (count("chat")?.days ?? 0) + (feature === "chat" && !chatDayCounted(ctx, week, day) ? 1 : 0);
  // A streak counts only while it is unbroken: its last claim was on the credit's day or the day before.
  const streakDays = counters.streak_last_day !== null && counters.streak_last_day >= dayAfter(day, -1) ? counters.streak_current : 0;
  const activity = {
    amaCount: (count("voice")?.credits ?? 0) + (feature === "voice" ? 1 : 0),
    chatDays,
    eventCount: (count("events")?.credits ?? 0) + (feature === "events" ? 1 : 0),
    streakDays,
  };
  return { activity, features: activeFeatures(activity) };
}

function chatDayCounted(ctx: WriteContext, week: string, day: string): boolean {
  return ctx.store.db.one("SELECT 1 AS seen FROM community_credits WHERE week = ? AND day = ? AND feature = 'chat' AND status = 'credited' LIMIT 1", week, day) !== undefined;
}

/** This ISO week's active features and multiplier for the member, as a credit now would count them (community programs). */
export function currentWeek(ctx: WriteContext) {
  if (!ctx.config.community) return null;
  const week = isoWeek(ctx.nowMs, ctx.profile.timezone);
  const counters = ctx.store.counters();
  const { activity, features } = weekActivity(ctx, counters, week, null, localDay(ctx.nowMs, ctx.profile.timezone));
  return {
    week,
    features,
    multiplier: weeklyMultiplier(features.length, ctx.config.community.weeklyFeatureMultipliers),
    // The streak shows toward the feature once it counts (7 days and unbroken), as before.
    activity: { ...activity, streakDays: features.includes("streak") ? counters.streak_current : 0 },
  };
}
