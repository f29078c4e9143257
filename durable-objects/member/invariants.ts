import { ledgerViolation } from "../../domain/ledger/credit";
import type { LedgerStore } from "./ledger-store";

/**
 * §3, checked after every write that moved points, inside the same transaction: a violation throws,
 * which rolls the whole write back rather than storing a ledger that does not add up. One statement
 * reads the lots, the journal's running balance and the debt together.
 */
export function assertLedgerInvariants(store: LedgerStore): void {
  const totals = store.db.one<{ lots_total: number; negative_lots: number; journal_balance: number; debt: number }>(
    `SELECT COALESCE(SUM(remaining), 0) AS lots_total, COUNT(*) FILTER (WHERE remaining < 0) AS negative_lots,
            COALESCE((SELECT balance_after FROM entries ORDER BY seq DESC LIMIT 1), 0) AS journal_balance,
            (SELECT debt FROM counters WHERE id = 1) AS debt
     FROM lots WHERE remaining != 0`,
  )!;
  const violation = ledgerViolation({ lotsTotal: totals.lots_total, negativeLots: totals.negative_lots, journalBalance: totals.journal_balance, debt: totals.debt });
  if (violation) throw new Error(`ledger invariant broken: ${violation}`);
}
