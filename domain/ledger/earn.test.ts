import { describe, expect, it } from "vitest";
import { activeCampaign, computeEarn } from "./earn";

const base = { pointsPerDollar: 1, tierCode: "BRONZE", tierMultiplier: 1, campaign: null, firstVisitBonus: 0, birthdayBonus: 0 };

describe("computeEarn", () => {
  it("earns 50 points for a SILVER member's $40.00 purchase at a venue already visited (restaurant preset)", () => {
    const earned = computeEarn({ ...base, amountCents: 4000, tierCode: "SILVER", tierMultiplier: 1.25 });
    expect(earned.points).toBe(50);
    expect(earned.breakdown).toEqual([
      { kind: "base", points: 40, detail: "1 point(s) per $1 on $40.00" },
      { kind: "tier_multiplier", points: 10, detail: "SILVER ×1.25" },
    ]);
  });

  it("adds the first-visit bonus and the birthday bonus after the multiplied points", () => {
    const earned = computeEarn({ ...base, amountCents: 2599, firstVisitBonus: 100, birthdayBonus: 50 });
    expect(earned.points).toBe(25 + 100 + 50);
    expect(earned.breakdown.map((line) => line.kind)).toEqual(["base", "first_visit_bonus", "birthday_bonus"]);
  });

  it("floors the product of every multiplier once, not each step", () => {
    const campaign = { id: "double", multiplier: 2, startsAt: "2026-01-01T00:00:00Z", endsAt: "2027-01-01T00:00:00Z" };
    const earned = computeEarn({ ...base, amountCents: 1010, tierCode: "GOLD", tierMultiplier: 1.5, campaign });
    expect(earned.points).toBe(Math.floor((1010 * 1.5 * 2) / 100));
    expect(earned.breakdown.reduce((sum, line) => sum + line.points, 0)).toBe(earned.points);
  });

  it("does not lose a point to floating point rounding", () => {
    expect(computeEarn({ ...base, amountCents: 2900, tierMultiplier: 1.15 }).points).toBe(33);
    expect(computeEarn({ ...base, amountCents: 10_000, tierMultiplier: 1.1 }).points).toBe(110);
  });
});

describe("activeCampaign", () => {
  const campaigns = [
    { id: "weekend", multiplier: 2, startsAt: "2026-11-27T00:00:00Z", endsAt: "2026-11-30T00:00:00Z" },
    { id: "pizza", multiplier: 3, startsAt: "2026-11-01T00:00:00Z", endsAt: "2026-12-01T00:00:00Z", venueIds: ["ven_pizza"] },
  ];

  it("picks the best campaign running at that time and venue", () => {
    expect(activeCampaign(campaigns, "ven_bar", new Date("2026-11-28T12:00:00Z"))?.id).toBe("weekend");
    expect(activeCampaign(campaigns, "ven_pizza", new Date("2026-11-28T12:00:00Z"))?.id).toBe("pizza");
    expect(activeCampaign(campaigns, "ven_bar", new Date("2026-11-25T12:00:00Z"))).toBeNull();
  });
});
