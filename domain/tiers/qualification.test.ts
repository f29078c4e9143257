import { describe, expect, it } from "vitest";
import { buildProgramConfig } from "../programs/build-program-config";
import { nextTierProgress, tierAfterPosting, tierAfterRefund, tierAtReview } from "./qualification";

const config = (preset: "restaurant" | "community") => {
  const built = buildProgramConfig(preset);
  if (!built.ok) throw new Error("preset must be valid");
  return built.config;
};
const restaurant = config("restaurant").tiers;
const community = config("community").tiers;
const zero = { lifetimePoints: 0, lifetimeSpendCents: 0, visits: 0 };

describe("restaurant tiers", () => {
  it("makes a member SILVER on the 5th visit", () => {
    expect(tierAfterPosting(restaurant, "BRONZE", { ...zero, visits: 4 })).toEqual({ code: "BRONZE", upgraded: false });
    expect(tierAfterPosting(restaurant, "BRONZE", { ...zero, visits: 5 })).toEqual({ code: "SILVER", upgraded: true });
  });

  it("qualifies by lifetime points OR lifetime spend OR visits", () => {
    expect(tierAfterPosting(restaurant, "BRONZE", { ...zero, lifetimePoints: 2000 }).code).toBe("GOLD");
    expect(tierAfterPosting(restaurant, "BRONZE", { ...zero, lifetimeSpendCents: 500_000 }).code).toBe("PLATINUM");
    expect(tierAfterPosting(restaurant, "BRONZE", { ...zero, visits: 20 }).code).toBe("GOLD");
    expect(tierAfterPosting(restaurant, "BRONZE", { lifetimePoints: 499, lifetimeSpendCents: 49_999, visits: 4 }).code).toBe("BRONZE");
  });

  it("never lowers the tier as points post", () => {
    expect(tierAfterPosting(restaurant, "GOLD", zero)).toEqual({ code: "GOLD", upgraded: false });
  });

  it("shows what the next tier needs per metric", () => {
    expect(nextTierProgress(restaurant, "BRONZE", { lifetimePoints: 120, lifetimeSpendCents: 9_000, visits: 2 })).toEqual([
      { tier: "SILVER", metric: "lifetimePoints", current: 120, required: 500, remaining: 380 },
      { tier: "SILVER", metric: "lifetimeSpendCents", current: 9_000, required: 50_000, remaining: 41_000 },
      { tier: "SILVER", metric: "visits", current: 2, required: 5, remaining: 3 },
    ]);
    expect(nextTierProgress(restaurant, "PLATINUM", zero)).toEqual([]);
  });
});

describe("community tiers", () => {
  it("climbs at 500 / 2000 / 10000 points", () => {
    expect(tierAfterPosting(community, "BRONZE", { ...zero, lifetimePoints: 499 }).code).toBe("BRONZE");
    expect(tierAfterPosting(community, "BRONZE", { ...zero, lifetimePoints: 500 }).code).toBe("SILVER");
    expect(tierAfterPosting(community, "BRONZE", { ...zero, lifetimePoints: 2000 }).code).toBe("GOLD");
    expect(tierAfterPosting(community, "BRONZE", { ...zero, lifetimePoints: 10_000 }).code).toBe("DIAMOND");
  });
});

describe("requalification review", () => {
  it("lowers the tier by at most the allowed steps when the window's activity falls short", () => {
    expect(tierAtReview(restaurant, "PLATINUM", zero, 1)).toBe("GOLD");
    expect(tierAtReview(restaurant, "PLATINUM", { ...zero, visits: 50 }, 1)).toBe("PLATINUM");
    expect(tierAtReview(restaurant, "SILVER", zero, 1)).toBe("BRONZE");
  });
});

describe("tierAfterRefund", () => {
  it("takes GOLD away at once when a refund leaves the metrics at SILVER", () => {
    expect(tierAfterRefund(restaurant, "GOLD", { lifetimePoints: 600, lifetimeSpendCents: 0, visits: 1 })).toEqual({ code: "SILVER", downgraded: true });
  });

  it("never raises a tier", () => {
    expect(tierAfterRefund(restaurant, "BRONZE", { lifetimePoints: 9000, lifetimeSpendCents: 0, visits: 0 })).toEqual({ code: "BRONZE", downgraded: false });
  });
});
