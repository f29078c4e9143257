import { z } from "@hono/zod-openapi";
import type { Rejection } from "../ledger/purchase-window";

export const rewardTypes = ["percent_off", "amount_off", "free_item", "experience", "custom"] as const;

/** A catalog entry's rules, as the operator sets them (§5). */
export const RewardRulesSchema = z.object({
  id: z.string(),
  programId: z.string(),
  name: z.string(),
  type: z.enum(rewardTypes),
  pointsCost: z.number().int().positive(),
  value: z.number().nullable(),
  venueId: z.string().nullable(),
  inventory: z.number().int().nullable().openapi({ description: "Units left; null = unlimited" }),
  tiers: z.array(z.string()).nullable(),
  daysOfWeek: z.array(z.number().int().min(0).max(6)).nullable().openapi({ description: "0 = Sunday … 6 = Saturday, in the venue's time zone" }),
  validFrom: z.string().nullable(),
  validTo: z.string().nullable(),
  perDayCap: z.number().int().nullable(),
  perMemberCap: z.number().int().nullable(),
  minPurchaseCents: z.number().int().nullable(),
  active: z.boolean(),
});
export type RewardRules = z.infer<typeof RewardRulesSchema>;

/** What a reward is when the operator sets no rule: offered everywhere, to everyone, without limit. */
export const unrestricted = {
  value: null,
  venueId: null,
  inventory: null,
  tiers: null,
  daysOfWeek: null,
  validFrom: null,
  validTo: null,
  perDayCap: null,
  perMemberCap: null,
  minPurchaseCents: null,
  active: true,
} as const satisfies Partial<RewardRules>;

export type MemberFacts = { tier: string; available: number; redemptionsOfReward: number };
export type RedemptionContext = { now: Date; weekday: number; purchaseCents: number | null };

/**
 * The member-side rules of a redemption, first failure wins. Stock-side rules (inventory,
 * per-day cap) are decided by the reward's stock, and which points pay by `allocateSpend`.
 */
export function checkRewardRules(reward: RewardRules, member: MemberFacts, context: RedemptionContext): Rejection | null {
  const at = context.now.getTime();
  if (!reward.active) return { code: "outside_window", message: "This reward is no longer offered" };
  if ((reward.validFrom && at < Date.parse(reward.validFrom)) || (reward.validTo && at >= Date.parse(reward.validTo))) {
    return { code: "outside_window", message: `This reward can be redeemed from ${reward.validFrom ?? "now"} until ${reward.validTo ?? "further notice"}` };
  }
  if (reward.daysOfWeek && !reward.daysOfWeek.includes(context.weekday)) {
    const names = reward.daysOfWeek.map((day) => ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"][day]).join(", ");
    return { code: "day_restricted", message: `This reward can be redeemed on ${names} only` };
  }
  if (reward.tiers && !reward.tiers.includes(member.tier)) {
    return { code: "tier_restricted", message: `This reward is for ${reward.tiers.join(", ")} members; this member is ${member.tier}` };
  }
  if (reward.minPurchaseCents !== null && (context.purchaseCents ?? 0) < reward.minPurchaseCents) {
    return { code: "min_purchase_not_met", message: `This reward needs a purchase of at least $${(reward.minPurchaseCents / 100).toFixed(2)}` };
  }
  if (reward.perMemberCap !== null && member.redemptionsOfReward >= reward.perMemberCap) {
    return { code: "member_cap_reached", message: `This reward can be redeemed ${reward.perMemberCap} time(s) per member` };
  }
  if (member.available < reward.pointsCost) {
    return { code: "insufficient_points", message: `This reward costs ${reward.pointsCost} points; the member has ${member.available} available` };
  }
  return null;
}
