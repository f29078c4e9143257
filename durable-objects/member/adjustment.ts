import { decideAdjustment } from "../../domain/ledger/adjustment";
import { allocateDebit } from "../../domain/ledger/spend";
import type { AdjustCommand } from "./rpc-types";
import { lowerTierAfterTakeback, raiseTierAfterCredit, takeBackQualifyingPoints } from "./tier-follows-points";
import { type CommandReply, type WriteContext, rejectWith } from "./write-context";

/** A manual adjustment: a journal entry that carries its reason; credits repay debt first. */
export function adjustPoints(ctx: WriteContext, command: AdjustCommand, adjustmentId: string): CommandReply & { recorded?: boolean } {
  const { store, config } = ctx;
  const counters = store.counters();
  const decision = decideAdjustment(command.points, { available: store.balance(), debt: counters.debt, adjustmentsQualify: command.qualifies ?? config.earn.adjustmentsQualify === true });
  if (!decision.ok) return rejectWith(decision.rejection);
  const detail = { adjustmentId, reason: command.reason, repaidDebt: decision.kind === "credit" ? decision.repaid : 0 };
  if (decision.kind === "credit") {
    if (decision.credited > 0) store.addLot(adjustmentId, null, ctx.nowMs, null, decision.credited, "adjustment");
    store.updateCounters({ debt: counters.debt - decision.repaid, ...(decision.qualifies ? { lifetime_points: counters.lifetime_points + command.points } : {}) });
    if (decision.qualifies) store.recordQualifyingPoints(command.points, ctx.nowMs, adjustmentId);
    store.appendEntry({ kind: "adjust", delta: decision.credited, pendingDelta: 0, ref: adjustmentId, venueId: null, detail, atMs: ctx.nowMs });
    if (decision.qualifies) raiseTierAfterCredit(ctx);
  } else {
    for (const allocation of allocateDebit(store.liveLots(), decision.debited)) store.takeFromLot(allocation.lotId, allocation.points);
    store.appendEntry({ kind: "adjust", delta: -decision.debited, pendingDelta: 0, ref: adjustmentId, venueId: null, detail, atMs: ctx.nowMs });
    // A debit that qualifies takes earned points back: lifetime points and the tier follow at once.
    if (decision.qualifies) {
      takeBackQualifyingPoints(ctx, decision.debited, ctx.nowMs, adjustmentId);
      lowerTierAfterTakeback(ctx, "adjustment");
    }
  }
  ctx.emit("points_adjusted", ctx.nowMs, { data: { adjustmentId, points: command.points, reason: command.reason } });
  const reply = {
    status: 201,
    body: { adjustmentId, memberId: ctx.profile.id, points: command.points, reason: command.reason, repaidDebt: detail.repaidDebt, balance: store.balance(), debt: store.counters().debt, tier: ctx.profile.tier },
  };
  store.db.run(
    "INSERT INTO adjustments (id, points, reason, request_hash, reply, created_at_ms) VALUES (?, ?, ?, ?, ?, ?)",
    adjustmentId,
    command.points,
    command.reason,
    command.requestHash,
    JSON.stringify(reply),
    ctx.nowMs,
  );
  return { ...reply, recorded: true };
}
