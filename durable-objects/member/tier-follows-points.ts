import { qualifyingWindowStart, tierAfterPosting, tierAfterRefund } from "../../domain/tiers/qualification";
import type { Counters } from "./ledger-store";
import type { WriteContext } from "./write-context";

/**
 * The member's tier-qualifying metrics as of `atMs`, through the one window rule (§7a). A caller
 * that has just written the counters may pass them: all-time metrics then need no read.
 */
export function tierMetrics(ctx: WriteContext, atMs: number = ctx.nowMs, counters?: Counters) {
  const windowStart = qualifyingWindowStart(ctx.config.requalification, atMs);
  if (windowStart === null && counters) return { lifetimePoints: counters.lifetime_points, lifetimeSpendCents: counters.lifetime_spend_cents, visits: counters.visits };
  return ctx.store.qualifyingMetrics(windowStart);
}

/** After points that qualify (a posting, a community credit, an adjustment that counts): the tier rises at once if the metrics reach the next. */
export function raiseTierAfterCredit(ctx: WriteContext, atMs: number = ctx.nowMs, counters?: Counters): void {
  const tier = tierAfterPosting(ctx.config.tiers, ctx.profile.tier, tierMetrics(ctx, atMs, counters));
  if (!tier.upgraded) return;
  const from = ctx.profile.tier;
  ctx.setTier(tier.code);
  ctx.emit("tier_changed", atMs, { data: { from, to: tier.code, direction: "up" } });
}

/** After earned points are taken back (a refund, a qualifying debit, a reversed referral): the tier falls at once to what the metrics still reach. */
export function lowerTierAfterTakeback(ctx: WriteContext, reason: string): void {
  const tier = tierAfterRefund(ctx.config.tiers, ctx.profile.tier, tierMetrics(ctx));
  if (!tier.downgraded) return;
  const from = ctx.profile.tier;
  ctx.setTier(tier.code);
  ctx.emit("tier_changed", ctx.nowMs, { data: { from, to: tier.code, direction: "down", reason } });
}

/**
 * Takes `points` of earned, tier-qualifying points back (never below zero), dated like what they
 * take back, so a review window loses them where it counted them. Answers the points taken.
 */
export function takeBackQualifyingPoints(ctx: WriteContext, points: number, earnedAtMs: number, ref: string): number {
  const counters = ctx.store.counters();
  const taken = Math.min(points, counters.lifetime_points);
  if (taken <= 0) return 0;
  ctx.store.updateCounters({ lifetime_points: counters.lifetime_points - taken });
  ctx.store.recordQualifyingPoints(-taken, earnedAtMs, ref);
  return taken;
}
