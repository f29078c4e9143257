import { clawBack, refundPointsDue } from "../../domain/ledger/refund";
import { allocateClawback } from "../../domain/ledger/spend";
import type { RefundCommand } from "./rpc-types";
import { type CommandReply, type WriteContext, rejectWith } from "./write-context";

/** Before posting a refund voids pending points; after, it claws back from the balance, shortfall as debt. */
export function refundPurchase(ctx: WriteContext, command: RefundCommand, refundId: string): CommandReply {
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
  let clawedBack = 0;
  let debtAdded = 0;

  if (purchase.status === "pending") {
    store.updatePurchase(purchase.id, {
      refunded_cents: refundedCents,
      reversed_points: purchase.reversed_points + points,
      status: refundedCents === purchase.amount_cents ? "voided" : "pending",
    });
    store.appendEntry({ kind: "refund", delta: 0, pendingDelta: -points, ref: purchase.id, venueId: purchase.venue_id, detail: { refundId, amountCents: command.amountCents }, atMs: ctx.nowMs });
  } else {
    const taken = clawBack(store.balance(), points);
    for (const allocation of allocateClawback(store.liveLots(), taken.taken, purchase.id)) store.takeFromLot(allocation.lotId, allocation.points);
    const counters = store.counters();
    store.updateCounters({ debt: counters.debt + taken.newDebt, lifetime_spend_cents: Math.max(0, counters.lifetime_spend_cents - command.amountCents) });
    store.bumpVenueStats(purchase.venue_id, { spendCents: -command.amountCents });
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
  }
  ctx.emit("purchase_refunded", ctx.nowMs, { data: { purchaseId: purchase.id, refundId, points } });
  return {
    status: 201,
    body: {
      refundId,
      purchaseId: purchase.id,
      amountCents: command.amountCents,
      refundedCents,
      purchaseStatus: purchase.status === "pending" && refundedCents === purchase.amount_cents ? "voided" : purchase.status,
      pointsVoided: purchase.status === "pending" ? points : 0,
      pointsClawedBack: clawedBack,
      debtAdded,
      debt: store.counters().debt,
      balance: store.balance(),
    },
  };
}
