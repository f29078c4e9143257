import { drizzle } from "drizzle-orm/d1";
import { tokenHoldings } from "../../db/schema";
import { approximateTokens } from "../../domain/token-settlement/token-units";
import type { PublishableHolding } from "./watcher-store";

/**
 * Writes addresses' figures to D1's `token_holdings` as absolute values: writing the same figures twice
 * (a crash before the watcher noted the write, a repair that lands on the same totals) changes nothing.
 */
export async function publishHoldings(db: D1Database, holdings: readonly PublishableHolding[], nowMs: number): Promise<void> {
  if (holdings.length === 0) return;
  const d1 = drizzle(db);
  const writes = holdings.map((holding) => {
    const row = {
      address: holding.address,
      balance: holding.balance.toString(),
      received: holding.received.toString(),
      sent: holding.sent.toString(),
      balanceTokens: approximateTokens(holding.balance),
      receivedTokens: approximateTokens(holding.received),
      sentTokens: approximateTokens(holding.sent),
      transfers: holding.transfers,
      asOfBlock: holding.asOfBlock,
      updatedAtMs: nowMs,
    };
    const { address: _address, ...figures } = row;
    return d1.insert(tokenHoldings).values(row).onConflictDoUpdate({ target: tokenHoldings.address, set: figures });
  });
  await d1.batch(writes as [(typeof writes)[number], ...(typeof writes)[number][]]);
}
