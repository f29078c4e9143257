import { describe, expect, it } from "vitest";
import { decideAdjustment } from "./adjustment";

describe("decideAdjustment", () => {
  it("repays debt before crediting goodwill points", () => {
    expect(decideAdjustment(100, { available: 0, debt: 30, adjustmentsQualify: false })).toEqual({ ok: true, kind: "credit", repaid: 30, credited: 70, qualifies: false });
  });

  it("never overdraws with a debit", () => {
    const refused = decideAdjustment(-50, { available: 40, debt: 0, adjustmentsQualify: false });
    expect(!refused.ok && refused.rejection.code).toBe("insufficient_points");
    expect(decideAdjustment(-40, { available: 40, debt: 0, adjustmentsQualify: false })).toEqual({ ok: true, kind: "debit", debited: 40, qualifies: false });
  });

  it("says a qualifying debit takes earned points back (lifetime points and the tier follow)", () => {
    expect(decideAdjustment(-40, { available: 40, debt: 0, adjustmentsQualify: true })).toEqual({ ok: true, kind: "debit", debited: 40, qualifies: true });
  });
});
