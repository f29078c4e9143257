import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { clawBack, refundMetricsChange, refundPointsDue } from "./refund";

describe("refundPointsDue", () => {
  it("takes back points in proportion to the refunded amount", () => {
    expect(refundPointsDue(100, 4000, 0, 1000)).toBe(25);
  });

  it("takes back exactly all points once the whole purchase is refunded, however it was split", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 5000 }), fc.integer({ min: 1, max: 100_000 }), fc.array(fc.nat(), { maxLength: 8 }), (points, amount, cuts) => {
        const sorted = [...new Set(cuts.map((cut) => cut % amount))].sort((a, b) => a - b);
        const bounds = [0, ...sorted.filter((cut) => cut > 0), amount];
        let total = 0;
        for (let i = 1; i < bounds.length; i++) total += refundPointsDue(points, amount, bounds[i - 1], bounds[i] - bounds[i - 1]);
        expect(total).toBe(points);
      }),
    );
  });
});

describe("clawBack", () => {
  it("never takes the balance below zero and records the shortfall as debt", () => {
    expect(clawBack(30, 50)).toEqual({ taken: 30, newDebt: 20 });
    expect(clawBack(80, 50)).toEqual({ taken: 50, newDebt: 0 });
  });
});

describe("refundMetricsChange", () => {
  it("takes a posted purchase's share out of the tier metrics, and the visit once fully refunded", () => {
    expect(refundMetricsChange(true, 25, 1000, false)).toEqual({ lifetimePoints: -25, lifetimeSpendCents: -1000, visits: 0 });
    expect(refundMetricsChange(true, 75, 3000, true)).toEqual({ lifetimePoints: -75, lifetimeSpendCents: -3000, visits: -1 });
  });

  it("changes nothing before posting, when nothing was counted yet", () => {
    expect(refundMetricsChange(false, 25, 1000, true)).toEqual({ lifetimePoints: 0, lifetimeSpendCents: 0, visits: 0 });
  });
});
