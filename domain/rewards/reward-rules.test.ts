import { describe, expect, it } from "vitest";
import { checkRewardRules, type RedemptionContext, type RewardRules, unrestricted } from "./reward-rules";

const reward: RewardRules = {
  id: "rwd_1",
  programId: "prg_1",
  name: "Free dessert",
  type: "free_item",
  pointsCost: 200,
  ...unrestricted,
};
const member = { tier: "BRONZE", available: 500, redemptionsOfReward: 0 };
const context: RedemptionContext = { now: new Date("2026-11-25T12:00:00Z"), weekday: 3, purchaseCents: null };
const code = (overrides: Partial<RewardRules>, facts = member, ctx = context) => checkRewardRules({ ...reward, ...overrides }, facts, ctx)?.code ?? null;

describe("checkRewardRules", () => {
  it("accepts a member who meets every rule", () => {
    expect(code({})).toBeNull();
  });

  it("names each rule that refuses", () => {
    expect(code({ validTo: "2026-11-01T00:00:00Z" })).toBe("outside_window");
    expect(code({ validFrom: "2026-12-01T00:00:00Z" })).toBe("outside_window");
    expect(code({ daysOfWeek: [5, 6] })).toBe("day_restricted");
    expect(code({ tiers: ["GOLD", "PLATINUM"] })).toBe("tier_restricted");
    expect(code({ minPurchaseCents: 2000 })).toBe("min_purchase_not_met");
    expect(code({ minPurchaseCents: 2000 }, member, { ...context, purchaseCents: 2500 })).toBeNull();
    expect(code({ perMemberCap: 1 }, { ...member, redemptionsOfReward: 1 })).toBe("member_cap_reached");
    expect(code({ pointsCost: 501 })).toBe("insufficient_points");
  });
});
