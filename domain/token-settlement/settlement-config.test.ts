import { describe, expect, it } from "vitest";
import { buildProgramConfig } from "../programs/build-program-config";

describe("a program's settlement setting", () => {
  it("ships with the community preset: 1 point = 0.01 token, from 100 points, at most 5,000 a day, 24 h to relink", () => {
    const built = buildProgramConfig("community");
    expect(built.ok && built.config.settlement).toEqual({
      kinds: ["voice_ama", "live_event", "chat_activity", "governance_vote", "referral"],
      tokenUnitsPerPoint: "10000000000000000",
      minPayoutPoints: 100,
      dailyCeilingPoints: 5_000,
      relinkCoolingOffHours: 24,
    });
  });

  it("is absent from the restaurant preset: that program does not settle", () => {
    const built = buildProgramConfig("restaurant");
    expect(built.ok && built.config.settlement).toBeUndefined();
  });

  it("defaults the cooling-off period to 24 hours", () => {
    const built = buildProgramConfig("restaurant", { settlement: { kinds: ["purchase"], tokenUnitsPerPoint: "1", minPayoutPoints: 1, dailyCeilingPoints: 10 } });
    expect(built.ok && built.config.settlement?.relinkCoolingOffHours).toBe(24);
  });

  it("says what to fix in a setting that could never pay", () => {
    const issues = (overrides: object) => {
      const built = buildProgramConfig("community", { settlement: overrides });
      return built.ok ? [] : built.issues.map((issue) => `${issue.path}: ${issue.message}`);
    };
    expect(issues({ minPayoutPoints: 600, dailyCeilingPoints: 500 })).toEqual([
      "overrides.settlement.dailyCeilingPoints: dailyCeilingPoints is below minPayoutPoints, so no payout could ever be cut; raise the ceiling or lower the minimum",
    ]);
    expect(issues({ tokenUnitsPerPoint: "0" })).toEqual(["overrides.settlement.tokenUnitsPerPoint: must be more than 0 base units per point"]);
    expect(issues({ tokenUnitsPerPoint: "0.5" })).toEqual(["overrides.settlement.tokenUnitsPerPoint: a whole number of base units, in decimal"]);
    expect(issues({ kinds: [] })).toEqual(["overrides.settlement.kinds: name at least one credit kind that settles, such as voice_ama or purchase"]);
    expect(issues({ payoutEvery: "day" })[0]).toMatch(/payoutEvery/);
    expect(issues({ kinds: ["voice_ama", "vibes"] })).toEqual([
      "overrides.settlement.kinds.1: unknown credit kind vibes; points that settle come from purchase, adjustment, join, daily_streak, referral, referral_second_level, voice_ama, live_event, chat_activity, governance_vote",
    ]);
  });
});
