import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type RedemptionState, type UnitState, unitFollowing } from "./stock-units";

describe("unitFollowing", () => {
  it("issues a held unit once its redemption is committed, and consumes it with the code", () => {
    expect(unitFollowing("held", "t1", "issued", "t1")).toBe("issued");
    expect(unitFollowing("issued", "t1", "consumed", "t1")).toBe("consumed");
    expect(unitFollowing("held", "t1", "consumed", "t1")).toBe("consumed");
  });

  it("returns a unit when its redemption is cancelled, and only once", () => {
    expect(unitFollowing("issued", "t1", "cancelled", "t1")).toBe("released");
    expect(unitFollowing("released", "t1", "cancelled", "t1")).toBe("released");
  });

  it("never frees a unit another request owns: a reused key's refusal leaves the issued unit alone", () => {
    expect(unitFollowing("issued", "t1", "absent", null)).toBe("issued");
    expect(unitFollowing("issued", "t1", "issued", "t2")).toBe("issued");
  });

  it("releases a hold that no redemption owns, such as a retry after a cancel", () => {
    expect(unitFollowing("held", "t2", "cancelled", "t1")).toBe("released");
    expect(unitFollowing("held", "t1", "absent", null)).toBe("released");
  });

  it("never brings a released or consumed unit back, whatever arrives and in whatever order", () => {
    const unit = fc.constantFrom<UnitState>("held", "issued", "consumed", "released");
    const state = fc.constantFrom<RedemptionState>("issued", "consumed", "cancelled", "absent");
    const token = fc.constantFrom("t1", "t2", null);
    fc.assert(
      fc.property(unit, token, fc.array(fc.tuple(state, token), { maxLength: 8 }), (start, startToken, updates) => {
        let current = start;
        for (const [redemption, redemptionToken] of updates) {
          const next = unitFollowing(current, startToken, redemption, redemption === "absent" ? null : redemptionToken);
          if (current === "released" || current === "consumed") expect(next).toBe(current);
          if (current === "issued") expect(next).not.toBe("held");
          current = next;
        }
      }),
    );
  });
});
