import type { MemberProfile } from "../../domain/members/member-profile";
import { decideRedemption } from "../../domain/rewards/redemption-decision";
import { dayIn } from "../../domain/time/calendar";
import type { LedgerStore } from "./ledger-store";
import type { RedeemCommand } from "./rpc-types";

export type EligibilityCommand = Omit<RedeemCommand, "reward" | "idempotencyKey" | "requestHash"> & { rewards: RedeemCommand["reward"][] };

/** Each reward's member-side eligibility, decided exactly as a redemption would, writing nothing. */
export function memberEligibility(store: LedgerStore, profile: MemberProfile, command: EligibilityCommand, nowMs: number) {
  const now = new Date(nowMs);
  const available = store.balance();
  const counts = store.redemptionCounts();
  const lots = store.liveLots();
  const weekday = dayIn(command.redeemingVenue?.timezone ?? command.program.config.timezone, now).weekday;
  const inCoalition = (venueId: string) => !command.nonCoalitionVenueIds.includes(venueId);
  return command.rewards.map((reward) => {
    const facts = { tier: profile.tier, available, redemptionsOfReward: counts.get(reward.id) ?? 0 };
    const decision = decideRedemption(reward, facts, { now, weekday, purchaseCents: command.purchaseCents }, lots, command.redeemingVenue, inCoalition);
    return { rewardId: reward.id, eligible: decision.ok, reason: decision.ok ? null : decision.rejection };
  });
}
