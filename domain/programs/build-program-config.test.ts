import { describe, expect, it } from "vitest";
import { buildProgramConfig, mergeOverrides } from "./build-program-config";

describe("buildProgramConfig", () => {
  it("returns the restaurant preset's seed numbers unchanged without overrides", () => {
    const result = buildProgramConfig("restaurant");
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.config.tiers.map((tier) => [tier.code, tier.multiplier])).toEqual([
      ["BRONZE", 1],
      ["SILVER", 1.25],
      ["GOLD", 1.5],
      ["PLATINUM", 2],
    ]);
    expect(result.config.tiers[1].qualify).toEqual({ lifetimePoints: 500, lifetimeSpendCents: 50_000, visits: 5 });
    expect(result.config.earn).toMatchObject({ firstVisitBonus: 100, birthdayMonthBonus: 50, postingDelayHours: 24 });
    expect(result.config.expiry).toEqual({ mode: "after_earning", months: 12, warningDays: 30, lowestTierOnly: false });
  });

  it("gates community channels and actions by tier as the preset says", () => {
    const result = buildProgramConfig("community");
    if (!result.ok) throw new Error("community preset must be valid");
    expect(result.config.tiers.map((tier) => tier.qualify.lifetimePoints)).toEqual([0, 500, 2000, 10_000]);
    expect(result.config.community?.actionTiers).toEqual({
      scheduleAma: "GOLD",
      createLiveEvent: "DIAMOND",
      proposeGovernance: "DIAMOND",
      voteGovernance: "GOLD",
    });
    expect(result.config.community?.weeklyFeatureMultipliers).toEqual([1, 1.5, 2, 3]);
  });

  it("merges nested overrides and keeps the rest of the preset", () => {
    const result = buildProgramConfig("restaurant", { earn: { firstVisitBonus: 250 }, expiry: { lowestTierOnly: true } });
    if (!result.ok) throw new Error("overrides should be valid");
    expect(result.config.earn.firstVisitBonus).toBe(250);
    expect(result.config.earn.birthdayMonthBonus).toBe(50);
    expect(result.config.expiry).toMatchObject({ months: 12, lowestTierOnly: true });
  });

  it("names the failing override field", () => {
    const result = buildProgramConfig("restaurant", { earn: { pointsPerDollar: -1 } });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.issues[0].path).toBe("overrides.earn.pointsPerDollar");
  });

  it("refuses a ladder whose multiplier goes down", () => {
    const tiers = [
      { code: "BASIC", multiplier: 2, qualify: { lifetimePoints: 0 } },
      { code: "PLUS", multiplier: 1, qualify: { visits: 3 } },
    ];
    const result = buildProgramConfig("restaurant", { tiers });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.issues.map((issue) => issue.path)).toContain("overrides.tiers.1.multiplier");
  });

  it("refuses unknown keys instead of ignoring a typo", () => {
    const result = buildProgramConfig("restaurant", { earn: { pointsPerDolar: 2 } });
    expect(result.ok).toBe(false);
  });
});

describe("mergeOverrides", () => {
  it("replaces arrays whole rather than merging them index by index", () => {
    expect(mergeOverrides({ list: [1, 2, 3], keep: true }, { list: [9] })).toEqual({ list: [9], keep: true });
  });
});
