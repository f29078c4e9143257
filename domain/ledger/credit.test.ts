import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { creditAfterDebt, ledgerViolation, returnAfterDebt } from "./credit";

describe("creditAfterDebt", () => {
  it("repays debt before crediting anything spendable", () => {
    expect(creditAfterDebt(20, 50)).toEqual({ repaid: 20, credited: 30 });
    expect(creditAfterDebt(20, 5)).toEqual({ repaid: 5, credited: 0 });
    expect(creditAfterDebt(0, 5)).toEqual({ repaid: 0, credited: 5 });
  });
});

describe("returnAfterDebt", () => {
  it("repays debt from the soonest-expiring returned points and keeps the rest's venue and expiry", () => {
    const allocations = [
      { lotId: 1, venueId: "a", expiresAtMs: 2000, points: 30 },
      { lotId: 2, venueId: "b", expiresAtMs: 1000, points: 20 },
    ];
    expect(returnAfterDebt(allocations, 25)).toEqual({ repaid: 25, lots: [{ venueId: "a", expiresAtMs: 2000, points: 25 }] });
    expect(returnAfterDebt(allocations, 100)).toEqual({ repaid: 50, lots: [] });
  });

  it("never leaves both debt and returned points", () => {
    const allocation = fc.record({ lotId: fc.nat(), venueId: fc.constant(null), expiresAtMs: fc.option(fc.nat()), points: fc.integer({ min: 1, max: 500 }) });
    fc.assert(
      fc.property(fc.array(allocation, { maxLength: 6 }), fc.nat(3000), (allocations, debt) => {
        const result = returnAfterDebt(allocations, debt);
        const total = allocations.reduce((sum, item) => sum + item.points, 0);
        const returned = result.lots.reduce((sum, lot) => sum + lot.points, 0);
        expect(result.repaid + returned).toBe(total);
        expect(debt - result.repaid > 0 && returned > 0).toBe(false);
      }),
    );
  });
});

describe("ledgerViolation", () => {
  it("names debt and spendable points held at once", () => {
    expect(ledgerViolation({ lotsTotal: 10, journalBalance: 10, debt: 5, negativeLots: 0 })).toMatch(/coexist/);
    expect(ledgerViolation({ lotsTotal: 0, journalBalance: 0, debt: 5, negativeLots: 0 })).toBeNull();
    expect(ledgerViolation({ lotsTotal: 10, journalBalance: 9, debt: 0, negativeLots: 0 })).toMatch(/journal/);
  });
});
