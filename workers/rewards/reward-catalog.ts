import { eq } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { rewards } from "../../db/schema";
import type { RewardRules } from "../../domain/rewards/reward-rules";
import { ApiError } from "../errors/api-error";

export type RewardRow = typeof rewards.$inferSelect;

export function rewardRules(row: RewardRow): RewardRules {
  const { createdAt: _createdAt, ...rules } = row;
  return { ...rules, tiers: row.tiers ?? null, daysOfWeek: row.daysOfWeek ?? null };
}

export async function findReward(db: D1Database, rewardId: string): Promise<RewardRow> {
  const [row] = await drizzle(db).select().from(rewards).where(eq(rewards.id, rewardId)).limit(1);
  if (!row) throw new ApiError(404, "reward_not_found", `No reward ${rewardId}`);
  return row;
}

/** Stock is serialised per reward only when something limits it. */
export function isStocked(reward: RewardRules): boolean {
  return reward.inventory !== null || reward.perDayCap !== null;
}
