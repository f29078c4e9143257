import type { LedgerStore } from "./ledger-store";

/**
 * §3, checked after every write inside the same transaction: a violation throws, which rolls the
 * whole write back rather than storing a ledger that does not add up.
 */
export function assertLedgerInvariants(store: LedgerStore): void {
  const lots = store.balance();
  const journal = store.journalBalance();
  if (lots !== journal || lots < 0) throw new Error(`ledger invariant broken: lots hold ${lots}, journal says ${journal}`);
}
