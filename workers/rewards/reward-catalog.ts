import { eq } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { rewards } from "../../db/schema";
import type { RewardRules } from "../../domain/rewards/reward-rules";
import { TtlCache } from "../cache/ttl-cache";
import { ApiError } from "../errors/api-error";

export type RewardRow = typeof rewards.$inferSelect;

export function rewardRules(row: RewardRow): RewardRules {
  const { createdAt: _createdAt, ...rules } = row;
  return { ...rules, tiers: row.tiers ?? null, daysOfWeek: row.daysOfWeek ?? null };
}

/**
 * Rewards read on every redemption, kept per isolate for a few seconds: in a flash drop a sold-out
 * answer then costs the stock's answer and no D1 read. A change takes effect at once in the isolate
 * that made it and within `rewardCacheMs` elsewhere; the stock and the Member still decide.
 */
const rewardCacheMs = 5_000;
const rewardCache = new TtlCache<RewardRow>(rewardCacheMs, 1_000);

export async function findReward(db: D1Database, rewardId: string): Promise<RewardRow> {
  const cached = rewardCache.get(rewardId);
  if (cached) return cached;
  const [row] = await drizzle(db).select().from(rewards).where(eq(rewards.id, rewardId)).limit(1);
  if (!row) throw new ApiError(404, "reward_not_found", `No reward ${rewardId}`);
  rewardCache.set(rewardId, row);
  return row;
}

export function forgetReward(rewardId: string): void {
  rewardCache.delete(rewardId);
}

/** Stock is serialised per reward only when something limits it. */
export function isStocked(reward: RewardRules): boolean {
  return reward.inventory !== null || reward.perDayCap !== null;
}
