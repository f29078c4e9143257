import type { Rejection } from "../ledger/purchase-window";
import { type Allocation, type RedeemingVenue, type SpendableLot, allocateSpend } from "../ledger/spend";
import { type MemberFacts, type RedemptionContext, type RewardRules, checkRewardRules } from "./reward-rules";

/**
 * Everything the member's side decides about a redemption, in order: where the reward is offered,
 * its rules, then which points pay for it. The catalog's eligibility view asks the same question.
 */
export function decideRedemption(
  reward: RewardRules,
  member: MemberFacts,
  context: RedemptionContext,
  lots: readonly SpendableLot[],
  redeemingVenue: RedeemingVenue | null,
  inCoalition: (venueId: string) => boolean,
): { ok: true; allocations: Allocation[] } | { ok: false; rejection: Rejection } {
  if (reward.venueId && redeemingVenue?.id !== reward.venueId) {
    return { ok: false, rejection: { code: "cross_venue_not_allowed", message: `This reward is offered at venue ${reward.venueId} only` } };
  }
  const rejection = checkRewardRules(reward, member, context);
  if (rejection) return { ok: false, rejection };
  return allocateSpend(lots, reward.pointsCost, redeemingVenue, inCoalition);
}
