import { sql } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { rewardStockLevels } from "../../db/schema";

export type StockLevel = { rewardId: string; claimed: number; days: { day: string; claimed: number }[]; seq: number };

/** The stock's level as the catalog reads it: the newest `seq` wins, so late or repeated copies are harmless. */
export async function publishLevel(db: D1Database, level: StockLevel): Promise<void> {
  await drizzle(db)
    .insert(rewardStockLevels)
    .values(level)
    .onConflictDoUpdate({
      target: rewardStockLevels.rewardId,
      set: { claimed: sql`excluded.claimed`, days: sql`excluded.days`, seq: sql`excluded.seq` },
      setWhere: sql`excluded.seq > ${rewardStockLevels.seq}`,
    });
}
