import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import type { StockCounts } from "../durable-objects/reward-stock/stock-rpc";

/** A stocked reward's units by state and what is left: `remaining = inventory − (issued + consumed)` at quiet points. */
export async function stockOf(rewardId: string, inventory: number | null): Promise<StockCounts & { remaining: number | null }> {
  const level = await env.REWARD_STOCK.getByName(rewardId).level(inventory, "2000-01-01");
  return { held: level.held, issued: level.issued, consumed: level.consumed, released: level.released, remaining: level.remaining };
}

/** Makes every held unit of a reward due to lapse now, as if its redemption had been in flight past the hold. */
export function lapseHolds(rewardId: string) {
  return runInDurableObject(env.REWARD_STOCK.getByName(rewardId), (_instance, state) => {
    state.storage.sql.exec("UPDATE holds SET expires_at_ms = 0 WHERE status = 'held'");
  });
}
