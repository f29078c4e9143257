import { creditRulesOf, isEffortless, qualifyingKindsOf, streakWarningsOf } from "../../domain/community/action-rules";
import { type ActionHistory, communityPoints, decideAction, historyWindow } from "../../domain/community/action-decision";
import { dayAfter, streakWarningTimes } from "../../domain/community/streak";
import { activeFeatures, isoWeek, localDay, weeklyMultiplier } from "../../domain/community/weekly-features";
import { creditAfterDebt } from "../../domain/ledger/credit";
import { lotExpiresAt } from "../../domain/ledger/expiry";
import { purchaseFutureSkewMaxMs } from "../../domain/ledger/purchase-window";
import type { ActionRule } from "../../domain/community/action-rules";
import type { Counters } from "./ledger-store";
import { raiseTierAfterCredit } from "./tier-follows-points";
import { heldPoints, verifyMember } from "./verification";
import type { CommandReply, WriteContext } from "./write-context";

/** One community credit to decide: its kind, the source that pays once (AMA id, event id, chat day…), and when. */
export type CommunityCredit = {
  kind: string;
  sourceId: string;
  occurredAtMs: number;
  /** Whether the caller named the time (else it is "now", and a refusal can say when a retry fits). */
  timeGiven?: boolean;
  /** The streak and referrals set their own base (the streak's compounding, the second level's share). */
  basePoints?: number;
  /** A referral over its receiver's daily cap is recorded with the reason and pays nothing. */
  capped?: boolean;
};

/** A reply to a credit; `transient` refusals depend on time and are never stored under an idempotency key. */
export type CreditReply = CommandReply & { replayed?: boolean; transient?: boolean };

/** Accepted credits: paid, or held until the member is verified. Capped and reversed ones are not. */
export const acceptedStatuses = "('credited', 'held')";

/** How long credits wait to be told to the read side together. */
export const snapshotCoalesceMs = 2_000;

/**
 * The one path by which every community reward is credited: custom actions, the join bonus, the
 * daily streak, referrals, and what rooms, chat and governance will send. The same (kind, source)
 * never pays twice: its row keeps the first answer. Then the kind's cooldown and daily cap whatever
 * the arrival order, the tier and weekly cross-feature multipliers, debt first, a lot under the
 * expiry policy, tier qualification. Effortless credits of an unverified member are held (§7a), and
 * a member's first qualifying credit verifies them and posts what was held, in this transaction.
 */
export function creditCommunity(ctx: WriteContext, credit: CommunityCredit): CreditReply {
  const { store, config, profile } = ctx;
  const earlier = store.db.one<{ reply: string }>("SELECT reply FROM community_credits WHERE kind = ? AND source_id = ?", credit.kind, credit.sourceId);
  if (earlier) return { ...(JSON.parse(earlier.reply) as CommandReply), replayed: true };
  const rule = creditRulesOf(config)[credit.kind];
  const timing = { occurredAtMs: credit.occurredAtMs, nowMs: ctx.nowMs, timeZone: profile.timezone, timeGiven: credit.timeGiven === true };
  const decision = decideAction(rule, credit.kind, rule ? actionHistory(ctx, credit.kind, rule, credit.occurredAtMs) : { nearbyAtMs: [], creditsByDay: {} }, timing);
  if (!decision.ok) {
    const retry = decision.retryAfterSeconds === undefined ? {} : { retryAfterSeconds: decision.retryAfterSeconds };
    return { status: decision.status, body: { error: { code: decision.code, message: decision.message, ...retry } }, transient: decision.code !== "unknown_action" };
  }
  const day = localDay(credit.occurredAtMs, profile.timezone);
  const week = isoWeek(credit.occurredAtMs, profile.timezone);
  const feature = rule!.feature;
  const counters = store.counters();
  const features = config.community ? weekActivity(ctx, counters, week, feature, day).features : [];
  const tierMultiplier = config.tiers.find((tier) => tier.code === profile.tier)?.multiplier ?? 1;
  const weekly = weeklyMultiplier(features.length, config.community?.weeklyFeatureMultipliers ?? [1]);
  const base = credit.capped ? 0 : (credit.basePoints ?? rule!.points);
  const earned = communityPoints(base, tierMultiplier, weekly);
  const held = counters.verified_at_ms === null && isEffortless(credit.kind);
  const ref = `${credit.kind}:${credit.sourceId}`;
  // The read side hears of credits in one snapshot a moment later (a burst of credits is one event).
  const snapshotDueMs = counters.snapshot_due_ms ?? ctx.nowMs + snapshotCoalesceMs;
  ctx.wakeBy(snapshotDueMs);
  // Earning is activity: an inactivity expiry policy counts from it as from a visit.
  const activity = { last_activity_ms: ctx.nowMs, community_active_ms: ctx.nowMs, snapshot_due_ms: snapshotDueMs };
  const detail = { kind: credit.kind, sourceId: credit.sourceId, base, tierMultiplier, weeklyMultiplier: weekly, features: features.join(","), repaidDebt: 0, capped: credit.capped === true, held };
  let balance: number;
  let repaid = 0;
  if (held) {
    store.updateCounters(activity);
    balance = store.appendEntry({ kind: "action", delta: 0, pendingDelta: earned.points, ref, venueId: null, detail, atMs: ctx.nowMs });
  } else {
    const split = creditAfterDebt(counters.debt, earned.points);
    const credited = split.credited;
    repaid = split.repaid;
    if (credited > 0) store.addLot(ref, null, ctx.nowMs, lotExpiresAt(config.expiry, new Date(ctx.nowMs))?.getTime() ?? null, credited, credit.kind);
    const written = { ...activity, debt: counters.debt - repaid, lifetime_points: counters.lifetime_points + earned.points };
    store.updateCounters(written);
    store.recordQualifyingPoints(earned.points, credit.occurredAtMs, ref);
    balance = store.appendEntry({ kind: "action", delta: credited, pendingDelta: 0, ref, venueId: null, detail: { ...detail, repaidDebt: repaid }, atMs: ctx.nowMs });
    raiseTierAfterCredit(ctx, ctx.nowMs, { ...counters, ...written });
  }
  scheduleDecayWarnings(ctx, counters);
  // A first qualifying credit verifies the member: what was held posts now, before the answer is kept.
  const verifies = config.community !== undefined && counters.verified_at_ms === null && qualifyingKindsOf(config.community).includes(credit.kind);
  if (verifies) {
    verifyMember(ctx);
    balance = store.journalBalance();
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
      ...(held ? { pending: { code: "unverified_member", message: unlockMessage(config, heldPoints(ctx) + earned.points) } } : {}),
      ...(verifies ? { verified: true } : {}),
      ...(credit.capped ? { capped: { code: "referral_daily_cap_reached", message: "The receiver's daily referral cap was reached: recorded, paid nothing" } } : {}),
    },
  };
  const status = credit.capped ? "capped" : held ? "held" : "credited";
  store.db.run(
    "INSERT INTO community_credits (kind, source_id, points, feature, day, week, at_ms, status, reply) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
    credit.kind,
    credit.sourceId,
    earned.points,
    feature,
    day,
    week,
    credit.occurredAtMs,
    status,
    JSON.stringify(reply),
  );
  return reply;
}

/** What unlocks a member's held points, in words for the member (the dashboard and the API say the same). */
export function unlockMessage(config: WriteContext["config"], points: number): string {
  return config.community ? `Attend an AMA, an event or chat to unlock ${points} points` : `Your first purchase unlocks ${points} points`;
}

/** The accepted credits of `kind` the decision needs: near the credit's time, and per day for the days a retry could land on. */
function actionHistory(ctx: WriteContext, kind: string, rule: ActionRule, occurredAtMs: number): ActionHistory {
  const { fromMs, toMs } = historyWindow(rule, occurredAtMs, ctx.nowMs, purchaseFutureSkewMaxMs);
  const nearbyAtMs =
    rule.cooldownMs > 0
      ? ctx.store.db.all<{ at_ms: number }>(`SELECT at_ms FROM community_credits WHERE kind = ? AND status IN ${acceptedStatuses} AND at_ms BETWEEN ? AND ?`, kind, fromMs, toMs).map((row) => row.at_ms)
      : [];
  const creditsByDay: Record<string, number> = {};
  if (rule.dailyCap !== null) {
    const firstDay = localDay(fromMs, ctx.profile.timezone);
    const lastDay = dayAfter(localDay(toMs, ctx.profile.timezone), 1);
    const rows = ctx.store.db.all<{ day: string; count: number }>(
      `SELECT day, COUNT(*) AS count FROM community_credits WHERE kind = ? AND status IN ${acceptedStatuses} AND day BETWEEN ? AND ? GROUP BY day`,
      kind,
      firstDay,
      lastDay,
    );
    for (const row of rows) creditsByDay[row.day] = row.count;
  }
  return { nearbyAtMs, creditsByDay };
}

/** The alarm must wake for this member's next decay warning (a streak at risk, 48 h of quiet). */
function scheduleDecayWarnings(ctx: WriteContext, counters: Counters): void {
  if (!ctx.config.community) return;
  const warnings = streakWarningTimes({ lastClaimDay: counters.streak_last_day, current: counters.streak_current, lastActivityAtMs: ctx.nowMs }, ctx.profile.timezone, streakWarningsOf(ctx.config.community));
  ctx.wakeBy(warnings.atRiskAtMs !== null && warnings.atRiskAtMs > ctx.nowMs ? warnings.atRiskAtMs : null);
  ctx.wakeBy(warnings.inactiveAtMs);
}

/**
 * The member's activity in `week` and the features it makes active, counting the action being
 * credited (a credit's `feature`, on its `day`); one query over the week's credits.
 */
function weekActivity(ctx: WriteContext, counters: Counters, week: string, feature: string | null, day: string) {
  const rows = ctx.store.db.all<{ feature: string; credits: number; days: number; on_day: number }>(
    "SELECT feature, COUNT(*) AS credits, COUNT(DISTINCT day) AS days, MAX(day = ?) AS on_day FROM community_credits WHERE week = ? AND feature IS NOT NULL AND status = 'credited' GROUP BY feature",
    day,
    week,
  );
  const count = (name: string) => rows.find((row) => row.feature === name);
  const chatDays = (count("chat")?.days ?? 0) + (feature === "chat" && count("chat")?.on_day !== 1 ? 1 : 0);
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
