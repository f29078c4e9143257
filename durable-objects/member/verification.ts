import { creditAfterDebt } from "../../domain/ledger/credit";
import { lotExpiresAt } from "../../domain/ledger/expiry";
import { owePayoutToReferrer, oweSecondLevel } from "./referral";
import { raiseTierAfterCredit } from "./tier-follows-points";
import type { WriteContext } from "./write-context";

type HeldRow = { kind: string; source_id: string; points: number; at_ms: number };

/**
 * The member's first qualifying action (§7a: a community credit of a qualifying kind, a venue
 * member's first posted purchase): from now on effortless credits pay at once, what was held posts
 * now (debt first, a lot, tier-qualifying points), and a community member's referrer is owed their
 * payout. All of it in the transaction of the action that verified the member.
 */
export function verifyMember(ctx: WriteContext): void {
  const { store, config } = ctx;
  if (store.counters().verified_at_ms !== null) return;
  store.updateCounters({ verified_at_ms: ctx.nowMs });
  const held = store.db.all<HeldRow>("SELECT kind, source_id, points, at_ms FROM community_credits WHERE status = 'held' ORDER BY at_ms");
  const expiresAtMs = lotExpiresAt(config.expiry, new Date(ctx.nowMs))?.getTime() ?? null;
  for (const row of held) {
    const counters = store.counters();
    const { repaid, credited } = creditAfterDebt(counters.debt, row.points);
    const ref = `${row.kind}:${row.source_id}`;
    if (credited > 0) store.addLot(ref, null, ctx.nowMs, expiresAtMs, credited, row.kind);
    store.updateCounters({ debt: counters.debt - repaid, lifetime_points: counters.lifetime_points + row.points });
    store.recordQualifyingPoints(row.points, ctx.nowMs, ref);
    store.appendEntry({ kind: "action", delta: credited, pendingDelta: -row.points, ref, venueId: null, detail: { kind: row.kind, sourceId: row.source_id, released: true, repaidDebt: repaid }, atMs: ctx.nowMs });
    store.db.run("UPDATE community_credits SET status = 'credited' WHERE kind = ? AND source_id = ?", row.kind, row.source_id);
    // A level-1 referral held for this (then unverified) referrer owes its second level only now that it pays.
    if (row.kind === "referral") oweSecondLevel(ctx, row.source_id);
  }
  if (held.length > 0) raiseTierAfterCredit(ctx);
  if (config.community) owePayoutToReferrer(ctx, null);
  ctx.emit("member_verified", ctx.nowMs, { data: { released: held.reduce((sum, row) => sum + row.points, 0) } });
}

/** Points held for the member until verified: what the dashboard shows as "unlock". */
export function heldPoints(ctx: Pick<WriteContext, "store">): number {
  return ctx.store.db.one<{ total: number }>("SELECT COALESCE(SUM(points), 0) AS total FROM community_credits WHERE status = 'held'")!.total;
}
