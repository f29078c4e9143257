import type { Campaign } from "../programs/program-config";

export type BreakdownLine = {
  kind: "base" | "tier_multiplier" | "campaign_multiplier" | "first_visit_bonus" | "birthday_bonus";
  points: number;
  detail: string;
};

export type EarnInput = {
  amountCents: number;
  pointsPerDollar: number;
  tierCode: string;
  tierMultiplier: number;
  campaign: Campaign | null;
  firstVisitBonus: number;
  birthdayBonus: number;
};

// Products like 2900 × 1.15 land a hair under the exact integer in binary floating point.
const floorPoints = (value: number) => Math.floor(value + 1e-9);

/**
 * Earn maths (§3): floor(amountCents × earnRatePerDollar × tierMultiplier × campaignMultiplier / 100),
 * then the fixed bonuses. The breakdown lines always sum to the total.
 */
export function computeEarn(input: EarnInput): { points: number; breakdown: BreakdownLine[] } {
  const campaignMultiplier = input.campaign?.multiplier ?? 1;
  const base = floorPoints((input.amountCents * input.pointsPerDollar) / 100);
  const withTier = floorPoints((input.amountCents * input.pointsPerDollar * input.tierMultiplier) / 100);
  const withCampaign = floorPoints((input.amountCents * input.pointsPerDollar * input.tierMultiplier * campaignMultiplier) / 100);
  const breakdown: BreakdownLine[] = [
    { kind: "base", points: base, detail: `${input.pointsPerDollar} point(s) per $1 on $${(input.amountCents / 100).toFixed(2)}` },
  ];
  if (withTier !== base) {
    breakdown.push({ kind: "tier_multiplier", points: withTier - base, detail: `${input.tierCode} ×${input.tierMultiplier}` });
  }
  if (input.campaign && withCampaign !== withTier) {
    breakdown.push({ kind: "campaign_multiplier", points: withCampaign - withTier, detail: `campaign ${input.campaign.id} ×${campaignMultiplier}` });
  }
  if (input.firstVisitBonus > 0) breakdown.push({ kind: "first_visit_bonus", points: input.firstVisitBonus, detail: "first visit at this venue" });
  if (input.birthdayBonus > 0) breakdown.push({ kind: "birthday_bonus", points: input.birthdayBonus, detail: "birthday month" });
  return { points: breakdown.reduce((sum, line) => sum + line.points, 0), breakdown };
}

/** The campaign with the highest multiplier running at `at` for this venue, if any. */
export function activeCampaign(campaigns: readonly Campaign[], venueId: string, at: Date): Campaign | null {
  let best: Campaign | null = null;
  for (const campaign of campaigns) {
    const running = Date.parse(campaign.startsAt) <= at.getTime() && at.getTime() < Date.parse(campaign.endsAt);
    const here = !campaign.venueIds || campaign.venueIds.includes(venueId);
    if (running && here && (!best || campaign.multiplier > best.multiplier)) best = campaign;
  }
  return best;
}
