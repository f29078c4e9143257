import type { Allocation } from "./spend";

/**
 * Every credit repays debt first (§3): posting, a cancelled redemption's return, an adjustment and
 * later community credits. So debt and spendable points never coexist.
 */
export function creditAfterDebt(debt: number, points: number): { repaid: number; credited: number } {
  const repaid = Math.min(debt, points);
  return { repaid, credited: points - repaid };
}

export type ReturnedLot = { venueId: string | null; expiresAtMs: number | null; points: number };

/**
 * What a cancelled redemption gives back: its points with their original venue and expiry, less
 * the member's debt, which takes the soonest-expiring points first (the ones worth least to keep).
 */
export function returnAfterDebt(allocations: readonly Allocation[], debt: number): { repaid: number; lots: ReturnedLot[] } {
  const returned = returnAllocationsAfterDebt(allocations, debt);
  return { repaid: returned.repaid, lots: returned.lots.map(({ allocation, points }) => ({ venueId: allocation.venueId, expiresAtMs: allocation.expiresAtMs, points })) };
}

/** The same, keeping which allocation each returned amount comes from (so a returned lot keeps its credit kind). */
export function returnAllocationsAfterDebt<A extends Allocation>(allocations: readonly A[], debt: number): { repaid: number; lots: { allocation: A; points: number }[] } {
  const ordered = [...allocations].sort((a, b) => (a.expiresAtMs ?? Number.MAX_SAFE_INTEGER) - (b.expiresAtMs ?? Number.MAX_SAFE_INTEGER));
  let owed = debt;
  const lots: { allocation: A; points: number }[] = [];
  for (const allocation of ordered) {
    const repay = Math.min(owed, allocation.points);
    owed -= repay;
    if (allocation.points > repay) lots.push({ allocation, points: allocation.points - repay });
  }
  return { repaid: debt - owed, lots };
}

export type LedgerTotals = { lotsTotal: number; journalBalance: number; debt: number; negativeLots: number };

/** §3's invariants, as a named violation (or null): the actor asserts them after each write. */
export function ledgerViolation(totals: LedgerTotals): string | null {
  if (totals.lotsTotal !== totals.journalBalance) return `lots hold ${totals.lotsTotal}, journal says ${totals.journalBalance}`;
  if (totals.lotsTotal < 0 || totals.negativeLots > 0) return `negative balance or lot (${totals.lotsTotal}, ${totals.negativeLots} negative lots)`;
  if (totals.debt < 0) return `negative debt ${totals.debt}`;
  if (totals.debt > 0 && totals.lotsTotal > 0) return `debt ${totals.debt} and ${totals.lotsTotal} spendable points coexist`;
  return null;
}
