import { ledgerViolation } from "../../domain/ledger/credit";
import type { LedgerStore } from "./ledger-store";

/**
 * §3, checked after every write that moved points, inside the same transaction: a violation throws,
 * which rolls the whole write back rather than storing a ledger that does not add up.
 */
export function assertLedgerInvariants(store: LedgerStore): void {
  const totals = store.db.one<{ lots_total: number; negative_lots: number }>(
    "SELECT COALESCE(SUM(remaining), 0) AS lots_total, COUNT(*) FILTER (WHERE remaining < 0) AS negative_lots FROM lots WHERE remaining != 0",
  )!;
  const violation = ledgerViolation({ lotsTotal: totals.lots_total, negativeLots: totals.negative_lots, journalBalance: store.journalBalance(), debt: store.counters().debt });
  if (violation) throw new Error(`ledger invariant broken: ${violation}`);
}
