import { clawBack, refundMetricsChange, refundPointsDue } from "../../domain/ledger/refund";
import { allocateClawback } from "../../domain/ledger/spend";
import { meetsReferralSpend } from "../../domain/community/action-rules";
import { oweReferralReversal } from "./referral";
import { lowerTierAfterTakeback, takeBackQualifyingPoints } from "./tier-follows-points";
import type { RefundCommand } from "./rpc-types";
import { type CommandReply, type WriteContext, rejectWith } from "./write-context";

/**
 * Before posting a refund voids pending points; after, it claws back from the balance (shortfall as
 * debt), takes its share out of the tier metrics and re-evaluates the tier at once.
 */
export function refundPurchase(ctx: WriteContext, command: RefundCommand, refundId: string): CommandReply & { recorded?: boolean } {
  const { store } = ctx;
  const purchase = store.purchase(command.purchaseId);
  if (!purchase) return rejectWith({ status: 404, code: "purchase_not_found", message: `No purchase ${command.purchaseId} for this member` });
  if (purchase.venue_id !== command.venueId) {
    return rejectWith({ status: 403, code: "forbidden_venue", message: "Only the venue where the purchase was made can refund it" });
  }
  const refundable = purchase.amount_cents - purchase.refunded_cents;
  if (command.amountCents > refundable) {
    return rejectWith({
      code: "refund_exceeds_purchase",
      message: `Only ${refundable} of the purchase's ${purchase.amount_cents} cents are left to refund`,
    });
  }
  const points = refundPointsDue(purchase.points, purchase.amount_cents, purchase.refunded_cents, command.amountCents);
  const refundedCents = purchase.refunded_cents + command.amountCents;
  const fullyRefunded = refundedCents === purchase.amount_cents;
  const posted = purchase.status === "posted";
  let clawedBack = 0;
  let debtAdded = 0;

  if (!posted) {
    store.updatePurchase(purchase.id, { refunded_cents: refundedCents, reversed_points: purchase.reversed_points + points, status: fullyRefunded ? "voided" : "pending" });
    store.appendEntry({ kind: "refund", delta: 0, pendingDelta: -points, ref: purchase.id, venueId: purchase.venue_id, detail: { refundId, amountCents: command.amountCents }, atMs: ctx.nowMs });
  } else {
    const taken = clawBack(store.balance(), points);
    for (const allocation of allocateClawback(store.liveLots(), taken.taken, purchase.id)) store.takeFromLot(allocation.lotId, allocation.points);
    const counters = store.counters();
    const change = refundMetricsChange(true, points, command.amountCents, fullyRefunded);
    store.updateCounters({
      debt: counters.debt + taken.newDebt,
      lifetime_spend_cents: Math.max(0, counters.lifetime_spend_cents + change.lifetimeSpendCents),
      visits: Math.max(0, counters.visits + change.visits),
    });
    takeBackQualifyingPoints(ctx, -change.lifetimePoints, purchase.posts_at_ms, purchase.id);
    store.bumpVenueStats(purchase.venue_id, { spendCents: change.lifetimeSpendCents, visits: change.visits });
    store.updatePurchase(purchase.id, { refunded_cents: refundedCents, reversed_points: purchase.reversed_points + points, status: purchase.status });
    store.appendEntry({
      kind: "refund",
      delta: -taken.taken,
      pendingDelta: 0,
      ref: purchase.id,
      venueId: purchase.venue_id,
      detail: { refundId, amountCents: command.amountCents, debtAdded: taken.newDebt },
      atMs: ctx.nowMs,
    });
    clawedBack = taken.taken;
    debtAdded = taken.newDebt;
    lowerTierAfterTakeback(ctx, "refund");
    // The purchase that paid this member's referrer no longer meets the minimum: the payout is reversed.
    if (purchase.id === store.counters().referral_purchase_id && !meetsReferralSpend(ctx.config, purchase.amount_cents - refundedCents)) oweReferralReversal(ctx);
  }
  ctx.emit("purchase_refunded", ctx.nowMs, { data: { purchaseId: purchase.id, refundId, points } });
  const reply = {
    status: 201,
    body: {
      refundId,
      purchaseId: purchase.id,
      amountCents: command.amountCents,
      refundedCents,
      purchaseStatus: !posted && fullyRefunded ? "voided" : purchase.status,
      pointsVoided: posted ? 0 : points,
      pointsClawedBack: clawedBack,
      debtAdded,
      debt: store.counters().debt,
      balance: store.balance(),
      tier: ctx.profile.tier,
    },
  };
  store.db.run(
    "INSERT INTO refunds (id, purchase_id, request_hash, reply, created_at_ms) VALUES (?, ?, ?, ?, ?)",
    refundId,
    purchase.id,
    command.requestHash,
    JSON.stringify(reply),
    ctx.nowMs,
  );
  return { ...reply, recorded: true };
}
