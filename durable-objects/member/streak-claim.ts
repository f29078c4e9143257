import { streakRulesOf, streakWarningsOf } from "../../domain/community/action-rules";
import { decideStreakClaim, streakWarningTimes } from "../../domain/community/streak";
import { localDay } from "../../domain/community/weekly-features";
import { type CreditReply, creditCommunity } from "./community-credit";
import { type WriteContext, rejectWith } from "./write-context";

/**
 * The daily streak: once per calendar day in the member's time zone. The claimed day is the credit's
 * source, so a retry (any key) never pays twice; the compounding reward and milestone bonus go
 * through the one community credit path (multipliers, debt, tier).
 */
export function claimStreak(ctx: WriteContext): CreditReply {
  const { store, config, profile } = ctx;
  if (!config.community) return rejectWith({ status: 422, code: "unknown_action", message: "This program has no daily streak (it has no community rules)" });
  const counters = store.counters();
  const decision = decideStreakClaim(
    { lastClaimDay: counters.streak_last_day, current: counters.streak_current, longest: counters.streak_longest },
    ctx.nowMs,
    profile.timezone,
    streakRulesOf(config.community),
  );
  const nextClaimAt = new Date(decision.nextClaimAtMs).toISOString();
  // Time decides this refusal: not stored under the key, so the same key claims tomorrow.
  if (!decision.ok) return { status: 409, body: { error: { code: decision.code, message: decision.message, nextClaimAt } }, transient: true };
  store.updateCounters({ streak_current: decision.current, streak_longest: decision.longest, streak_last_day: decision.day });
  const credited = creditCommunity(ctx, { kind: "daily_streak", sourceId: decision.day, occurredAtMs: ctx.nowMs, basePoints: decision.basePoints + decision.milestoneBonus });
  if (credited.status >= 300) {
    // A refused credit (an operator's cooldown or cap on daily_streak) leaves the day unclaimed.
    store.updateCounters({ streak_current: counters.streak_current, streak_longest: counters.streak_longest, streak_last_day: counters.streak_last_day });
    return credited;
  }
  ctx.emit("streak_claimed", ctx.nowMs, { data: { day: decision.day, current: decision.current, longest: decision.longest } });
  const streak = { current: decision.current, longest: decision.longest, day: decision.day, milestoneBonus: decision.milestoneBonus, nextClaimAt };
  return { status: 201, body: { ...credited.body, streak } };
}

/** When the next decay warning falls due (null: none), for the alarm. */
export function nextStreakWarningMs(ctx: WriteContext): number | null {
  const times = warningTimes(ctx);
  if (!times) return null;
  const counters = ctx.store.counters();
  const candidates: number[] = [];
  if (times.atRiskAtMs !== null && counters.streak_warned_day !== counters.streak_last_day) candidates.push(times.atRiskAtMs);
  if (times.inactiveAtMs !== null && counters.inactive_warned_ms !== counters.community_active_ms) candidates.push(times.inactiveAtMs);
  return candidates.length > 0 ? Math.min(...candidates) : null;
}

/**
 * Decay warnings, as events for a later notifications feature: `streak_at_risk` once per streak day
 * when the next day is not claimed by the warning hour, `inactive_48h` once per quiet spell.
 */
export function emitStreakWarnings(ctx: WriteContext): void {
  const times = warningTimes(ctx);
  if (!times) return;
  const counters = ctx.store.counters();
  const today = localDay(ctx.nowMs, ctx.profile.timezone);
  const unclaimedToday = counters.streak_last_day !== null && counters.streak_last_day < today;
  if (times.atRiskAtMs !== null && times.atRiskAtMs <= ctx.nowMs && counters.streak_warned_day !== counters.streak_last_day) {
    // Only while the streak can still be saved: the day after the last claim, before it ends.
    if (unclaimedToday && localDay(times.atRiskAtMs, ctx.profile.timezone) === today) {
      ctx.emit("streak_at_risk", ctx.nowMs, { data: { streak: counters.streak_current, lastClaimDay: counters.streak_last_day } });
    }
    ctx.store.updateCounters({ streak_warned_day: counters.streak_last_day });
  }
  if (times.inactiveAtMs !== null && times.inactiveAtMs <= ctx.nowMs && counters.inactive_warned_ms !== counters.community_active_ms) {
    ctx.emit("inactive_48h", ctx.nowMs, { data: { lastActivityAt: new Date(counters.community_active_ms!).toISOString() } });
    ctx.store.updateCounters({ inactive_warned_ms: counters.community_active_ms });
  }
}

function warningTimes(ctx: WriteContext) {
  if (!ctx.config.community) return null;
  const counters = ctx.store.counters();
  return streakWarningTimes(
    { lastClaimDay: counters.streak_last_day, current: counters.streak_current, lastActivityAtMs: counters.community_active_ms },
    ctx.profile.timezone,
    streakWarningsOf(ctx.config.community),
  );
}
