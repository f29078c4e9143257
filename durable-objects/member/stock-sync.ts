import type { RedemptionState } from "../../domain/rewards/stock-units";
import { stockRpcVersion } from "../reward-stock/stock-rpc";
import type { LedgerStore } from "./ledger-store";

export const stockSyncBatchMax = 50;

/** What this member durably holds for a redemption id, as the reward's stock must follow it. */
export function redemptionState(store: LedgerStore, redemptionId: string, rewardId?: string): { state: RedemptionState; token: string | null } {
  const row = store.redemption(redemptionId);
  if (!row || (rewardId !== undefined && row.reward_id !== rewardId)) return { state: "absent", token: null };
  return { state: row.status, token: row.hold_token };
}

/**
 * Tells each stocked reward what became of its redemptions (consumed, cancelled). The change and its
 * `stock_sync` row committed together, so this runs until every row has landed: right after the
 * write, and again from the alarm if a call fails. `follow` is idempotent, so a repeat is harmless.
 */
export async function deliverStockSync(store: LedgerStore, stocks: Env["REWARD_STOCK"]): Promise<boolean> {
  const rows = store.db.all<{ redemption_id: string; reward_id: string }>("SELECT redemption_id, reward_id FROM stock_sync LIMIT ?", stockSyncBatchMax);
  for (const row of rows) {
    const said = redemptionState(store, row.redemption_id);
    await stocks.getByName(row.reward_id).follow({ v: stockRpcVersion, holdId: row.redemption_id, ...said });
    // Another write may have moved the redemption while the call was out: then the row stays for the next round.
    if (redemptionState(store, row.redemption_id).state === said.state) store.db.run("DELETE FROM stock_sync WHERE redemption_id = ?", row.redemption_id);
  }
  return rows.length > 0;
}

export function hasStockSync(store: LedgerStore): boolean {
  return store.db.one("SELECT 1 AS pending FROM stock_sync LIMIT 1") !== undefined;
}
