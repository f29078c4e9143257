import { expiryApplies, inactivityDeadline, lotExpiresAt, warningAt } from "../../domain/ledger/expiry";
import { creditAfterDebt } from "../../domain/ledger/credit";
import { meetsReferralSpend } from "../../domain/community/action-rules";
import { tierAtReview, tierIndex } from "../../domain/tiers/qualification";
import { monthsAfter } from "../../domain/time/calendar";
import type { LotRow } from "./ledger-store";
import { owePayoutToReferrer } from "./referral";
import { raiseTierAfterCredit, tierMetrics } from "./tier-follows-points";
import { verifyMember } from "./verification";
import { emitStreakWarnings, nextStreakWarningMs } from "./streak-claim";
import type { WriteContext } from "./write-context";

/** Bounds per alarm run (alarms are retried and must stay short); the rest waits for the next run. */
export const postingBatchMax = 200;
export const expiryBatchMax = 500;
const dayMs = 86_400_000;

/** Everything due at `ctx.nowMs`, in order: posting, the tier review, expiry warnings and expiry. */
export function runDue(ctx: WriteContext): void {
  postDuePurchases(ctx);
  reviewTier(ctx);
  applyExpiry(ctx);
  emitStreakWarnings(ctx);
  emitDueSnapshot(ctx);
}

/** The coalesced snapshot community credits owe the read side (one event for a burst of credits). */
function emitDueSnapshot(ctx: WriteContext): void {
  const due = ctx.store.counters().snapshot_due_ms;
  if (due === null || due > ctx.nowMs) return;
  ctx.store.updateCounters({ snapshot_due_ms: null });
  ctx.emit("points_credited", ctx.nowMs);
}

/** Posts pending points whose time has come: debt first, then a lot; counters, tier and events follow. */
export function postDuePurchases(ctx: WriteContext): number {
  const { store, config } = ctx;
  const due = store.duePurchases(ctx.nowMs, postingBatchMax);
  for (const purchase of due) {
    const points = purchase.points - purchase.reversed_points;
    const spendCents = purchase.amount_cents - purchase.refunded_cents;
    const counters = store.counters();
    const { repaid, credited } = creditAfterDebt(counters.debt, points);
    const postedAtMs = purchase.posts_at_ms;
    if (credited > 0) {
      const expiresAt = lotExpiresAt(config.expiry, new Date(postedAtMs));
      store.addLot(purchase.id, purchase.venue_id, postedAtMs, expiresAt?.getTime() ?? null, credited, "purchase");
    }
    store.updatePurchase(purchase.id, { refunded_cents: purchase.refunded_cents, reversed_points: purchase.reversed_points, status: "posted" });
    store.appendEntry({ kind: "post", delta: credited, pendingDelta: -points, ref: purchase.id, venueId: purchase.venue_id, detail: { points, repaidDebt: repaid }, atMs: postedAtMs });
    const metrics = {
      lifetimePoints: counters.lifetime_points + points,
      lifetimeSpendCents: counters.lifetime_spend_cents + spendCents,
      visits: counters.visits + 1,
    };
    store.updateCounters({ lifetime_points: metrics.lifetimePoints, lifetime_spend_cents: metrics.lifetimeSpendCents, visits: metrics.visits, debt: counters.debt - repaid });
    store.recordQualifyingPoints(points, postedAtMs, purchase.id);
    store.bumpVenueStats(purchase.venue_id, { visits: 1, spendCents: spendCents });
    // The same window rule as every credit and review (with requalification on, the window's activity).
    raiseTierAfterCredit(ctx, postedAtMs);
    ctx.emit("points_posted", postedAtMs, { data: { purchaseId: purchase.id, points, credited } });
    // A venue member is verified by a first posted purchase (a refund before posting voids it); the
    // referrer is paid on the first one that keeps the program's minimum spend.
    if (!config.community) {
      verifyMember(ctx);
      if (meetsReferralSpend(config, spendCents)) owePayoutToReferrer(ctx, purchase.id);
    }
  }
  return due.length;
}

/** The periodic review: the tier follows the last window's activity, down by at most `maxDowngradeSteps`. */
export function reviewTier(ctx: WriteContext): void {
  const { store, config } = ctx;
  const policy = config.requalification;
  if (!policy.enabled) return;
  const counters = store.counters();
  let reviewAt = counters.next_review_ms ?? monthsAfter(new Date(ctx.profile.enrolledAt), policy.windowMonths).getTime();
  for (let reviews = 0; reviewAt <= ctx.nowMs && reviews < 12; reviews++) {
    const to = tierAtReview(config.tiers, ctx.profile.tier, tierMetrics(ctx, reviewAt), policy.maxDowngradeSteps);
    if (to !== ctx.profile.tier) {
      const from = ctx.profile.tier;
      ctx.setTier(to);
      ctx.emit("tier_changed", reviewAt, { data: { from, to, direction: tierIndex(config.tiers, to) < tierIndex(config.tiers, from) ? "down" : "up" } });
    }
    reviewAt = monthsAfter(new Date(reviewAt), policy.windowMonths).getTime();
  }
  if (reviewAt !== counters.next_review_ms) store.updateCounters({ next_review_ms: reviewAt });
}

function expireLots(ctx: WriteContext, lots: LotRow[], reason: string): void {
  let total = 0;
  for (const lot of lots) {
    ctx.store.takeFromLot(lot.id, lot.remaining);
    ctx.store.appendEntry({ kind: "expire", delta: -lot.remaining, pendingDelta: 0, ref: lot.source, venueId: lot.venue_id, detail: { lotId: lot.id, reason }, atMs: ctx.nowMs });
    total += lot.remaining;
  }
  if (total > 0) ctx.emit("points_expired", ctx.nowMs, { data: { points: total, reason } });
}

/** Warns `warningDays` before points expire and expires them when due, per the program's policy. */
export function applyExpiry(ctx: WriteContext): void {
  const { store, config } = ctx;
  const policy = config.expiry;
  if (policy.mode === "none") return;
  const applies = expiryApplies(policy, tierIndex(config.tiers, ctx.profile.tier));

  if (policy.mode === "after_earning") {
    const warnBefore = ctx.nowMs + policy.warningDays * dayMs;
    const toWarn = store.db.all<LotRow>(
      "SELECT * FROM lots WHERE remaining > 0 AND warned = 0 AND expires_at_ms IS NOT NULL AND expires_at_ms <= ? AND expires_at_ms > ? LIMIT ?",
      warnBefore,
      ctx.nowMs,
      expiryBatchMax,
    );
    // Lots that will not expire (lowest-tier-only policy, member above it) need no warning either.
    for (const lot of toWarn) store.db.run("UPDATE lots SET warned = 1 WHERE id = ?", lot.id);
    if (applies && toWarn.length > 0) {
      const points = toWarn.reduce((sum, lot) => sum + lot.remaining, 0);
      const soonest = Math.min(...toWarn.map((lot) => lot.expires_at_ms!));
      ctx.emit("points_expiring", ctx.nowMs, { data: { points, expiresAt: new Date(soonest).toISOString() } });
    }
    const expired = store.db.all<LotRow>("SELECT * FROM lots WHERE remaining > 0 AND expires_at_ms IS NOT NULL AND expires_at_ms <= ? LIMIT ?", ctx.nowMs, expiryBatchMax);
    if (applies) expireLots(ctx, expired, "expired");
    // Above the lowest tier a lowest-tier-only policy keeps the points: the lot stops expiring.
    else for (const lot of expired) store.db.run("UPDATE lots SET expires_at_ms = NULL WHERE id = ?", lot.id);
    return;
  }

  const counters = store.counters();
  const deadline = inactivityDeadline(policy, counters.last_activity_ms === null ? null : new Date(counters.last_activity_ms));
  if (!deadline || !applies) return;
  const balance = store.balance();
  if (balance > 0 && ctx.nowMs >= warningAt(policy, deadline).getTime() && counters.inactivity_warned_for_ms !== counters.last_activity_ms) {
    store.updateCounters({ inactivity_warned_for_ms: counters.last_activity_ms });
    ctx.emit("points_expiring", ctx.nowMs, { data: { points: balance, expiresAt: deadline.toISOString() } });
  }
  if (ctx.nowMs >= deadline.getTime()) expireLots(ctx, store.db.all<LotRow>("SELECT * FROM lots WHERE remaining > 0 LIMIT ?", expiryBatchMax), "inactivity");
}

/** The next time something is due: a posting, an expiry warning, an expiry. */
export function nextDueMs(ctx: WriteContext): number | null {
  const { store, config } = ctx;
  const candidates: number[] = [];
  const posting = store.db.one<{ at: number | null }>("SELECT MIN(posts_at_ms) AS at FROM purchases WHERE status = 'pending'")?.at;
  if (posting != null) candidates.push(posting);
  if (config.requalification.enabled) {
    const review = store.counters().next_review_ms;
    if (review !== null) candidates.push(review);
  }
  const policy = config.expiry;
  if (policy.mode === "after_earning") {
    const expiry = store.db.one<{ at: number | null }>("SELECT MIN(expires_at_ms) AS at FROM lots WHERE remaining > 0 AND expires_at_ms IS NOT NULL")?.at;
    if (expiry != null) candidates.push(expiry);
    const warning = store.db.one<{ at: number | null }>("SELECT MIN(expires_at_ms) AS at FROM lots WHERE remaining > 0 AND warned = 0 AND expires_at_ms IS NOT NULL")?.at;
    if (warning != null) candidates.push(warning - policy.warningDays * dayMs);
  } else if (policy.mode === "after_inactivity") {
    const counters = store.counters();
    const deadline = inactivityDeadline(policy, counters.last_activity_ms === null ? null : new Date(counters.last_activity_ms));
    if (deadline && store.balance() > 0) {
      candidates.push(deadline.getTime());
      if (counters.inactivity_warned_for_ms !== counters.last_activity_ms) candidates.push(warningAt(policy, deadline).getTime());
    }
  }
  const snapshot = store.counters().snapshot_due_ms;
  if (snapshot !== null) candidates.push(snapshot);
  const warning = nextStreakWarningMs(ctx);
  if (warning !== null) candidates.push(warning);
  return candidates.length > 0 ? Math.min(...candidates) : null;
}
