import { describe, expect, it } from "vitest";
import { allocateSpend, type RedeemingVenue, type SpendableLot } from "./spend";

const lot = (id: number, venueId: string | null, remaining: number, expiresAtMs: number | null): SpendableLot => ({ id, venueId, remaining, expiresAtMs, earnedAtMs: id });
const venue = (overrides: Partial<RedeemingVenue> = {}): RedeemingVenue => ({
  id: "home",
  participatesInCoalition: true,
  allowCrossVenueRedemption: true,
  maxCrossVenueRedemptionPercent: 100,
  ...overrides,
});
const everyone = () => true;

describe("allocateSpend", () => {
  it("spends the lots that expire soonest first, never-expiring last", () => {
    const result = allocateSpend([lot(1, null, 50, null), lot(2, null, 30, 2000), lot(3, null, 30, 1000)], 50, null, everyone);
    expect(result.ok && result.allocations.map((allocation) => [allocation.lotId, allocation.points])).toEqual([
      [3, 30],
      [2, 20],
    ]);
  });

  it("refuses with insufficient_points when the balance is short", () => {
    const result = allocateSpend([lot(1, null, 10, null)], 11, null, everyone);
    expect(!result.ok && result.rejection.code).toBe("insufficient_points");
  });

  it("pays at most the venue's cross-venue share with points earned elsewhere", () => {
    const lots = [lot(1, "other", 100, 1000), lot(2, "home", 100, 2000)];
    const result = allocateSpend(lots, 100, venue({ maxCrossVenueRedemptionPercent: 30 }), everyone);
    expect(result.ok && result.allocations.map((allocation) => [allocation.venueId, allocation.points])).toEqual([
      ["other", 30],
      ["home", 70],
    ]);
    const short = allocateSpend([lot(1, "other", 100, 1000), lot(2, "home", 50, 2000)], 100, venue({ maxCrossVenueRedemptionPercent: 30 }), everyone);
    expect(!short.ok && short.rejection.code).toBe("cross_venue_cap_exceeded");
  });

  it("uses no foreign points where the venue refuses cross-venue redemption", () => {
    const result = allocateSpend([lot(1, "other", 100, 1000)], 50, venue({ allowCrossVenueRedemption: false }), everyone);
    expect(!result.ok && result.rejection.code).toBe("cross_venue_not_allowed");
  });

  it("keeps points earned at a venue outside the coalition for that venue", () => {
    const result = allocateSpend([lot(1, "solo", 100, 1000)], 50, venue(), (venueId) => venueId !== "solo");
    expect(!result.ok && result.rejection.code).toBe("cross_venue_cap_exceeded");
  });
});
