import type { Rejection } from "../ledger/purchase-window";
import { type Allocation, type SpendableLot, allocateDebit } from "../ledger/spend";
import type { TokenSettlementRules } from "./settlement-config";
import { pointsToUnits } from "./token-units";

/** A live lot with the credit kind that earned it (null: a lot from before issue 23, which never settles). */
export type KindedLot = SpendableLot & { kind: string | null };

/** Everything the payout rule needs, loaded by the Member actor before it decides. */
export type PayoutFacts = {
  settlement: TokenSettlementRules | undefined;
  verified: boolean;
  debt: number;
  /** The pinned payout wallet in effect now (a relink still cooling off does not count yet). */
  payoutAddress: string | null;
  lots: readonly KindedLot[];
  /** Points of today's payouts (the member's local day) that were not returned. */
  cutTodayPoints: number;
};

export type PayoutDecision = { ok: true; points: number; tokenAmount: string; address: string; allocations: Allocation[] } | { ok: false; rejection: Rejection };

const refuse = (code: string, message: string): PayoutDecision => ({ ok: false, rejection: { code, message } });

/** Points the member could settle now: live lots of the kinds the program settles (posted points only: pending and held points are not lots). */
export function settleableLots(lots: readonly KindedLot[], kinds: readonly string[]): KindedLot[] {
  return lots.filter((lot) => lot.kind !== null && kinds.includes(lot.kind) && lot.remaining > 0);
}

/**
 * Cuts a payout: all settleable available points, capped by what is left of today's ceiling, spent
 * FIFO by expiry among the settleable lots, paid to the pinned wallet in effect now. Refusals name
 * the cause and the fix.
 */
export function decidePayout(facts: PayoutFacts): PayoutDecision {
  const rules = facts.settlement;
  if (!rules) return refuse("settlement_not_offered", "This program does not turn points into tokens; an operator enables it with the program's settlement setting");
  if (!facts.verified) return refuse("member_not_verified", "Only verified members settle points: take part in an AMA, a live event or chat first");
  if (!facts.payoutAddress) return refuse("no_payout_wallet", "No payout wallet is pinned: link a wallet by signing in with it, then pin it with PUT /v1/me/payout-wallet");
  if (facts.debt > 0) return refuse("points_in_debt", `The member owes ${facts.debt} points from a refund or reversal; points settle again once the debt is repaid by new earnings`);
  const leftToday = Math.max(0, rules.dailyCeilingPoints - facts.cutTodayPoints);
  if (leftToday < rules.minPayoutPoints) {
    return refuse("daily_ceiling_reached", `At most ${rules.dailyCeilingPoints} points settle per day and ${facts.cutTodayPoints} already did today; try again tomorrow`);
  }
  const lots = settleableLots(facts.lots, rules.kinds);
  const settleable = lots.reduce((sum, lot) => sum + lot.remaining, 0);
  const points = Math.min(settleable, leftToday);
  if (points < rules.minPayoutPoints) {
    return refuse("below_minimum_payout", `${settleable} points can settle (earned by ${rules.kinds.join(", ")}); a payout needs at least ${rules.minPayoutPoints}: earn ${rules.minPayoutPoints - settleable} more`);
  }
  return { ok: true, points, tokenAmount: pointsToUnits(points, rules.tokenUnitsPerPoint).toString(), address: facts.payoutAddress, allocations: allocateDebit(lots, points) };
}
