import { describe, expect, it } from "vitest";
import { type KindedLot, type PayoutFacts, decidePayout } from "./payout-decision";
import type { TokenSettlementRules } from "./settlement-config";

const rules: TokenSettlementRules = { kinds: ["voice_ama", "purchase"], tokenUnitsPerPoint: "10000000000000000", minPayoutPoints: 100, dailyCeilingPoints: 500, relinkCoolingOffHours: 24 };
const wallet = "0x1111111111111111111111111111111111111111";
const lot = (id: number, kind: string | null, remaining: number, expiresAtMs: number | null = null): KindedLot => ({ id, kind, remaining, expiresAtMs, earnedAtMs: id, venueId: null });
const facts = (changes: Partial<PayoutFacts> = {}): PayoutFacts => ({ settlement: rules, verified: true, debt: 0, payoutAddress: wallet, lots: [lot(1, "voice_ama", 300)], cutTodayPoints: 0, ...changes });
const refusal = (decision: ReturnType<typeof decidePayout>) => (decision.ok ? null : decision.rejection.code);

describe("cutting a token payout", () => {
  it("settles every settleable available point at the program's rate, to the pinned wallet", () => {
    const decision = decidePayout(facts({ lots: [lot(1, "voice_ama", 300), lot(2, "purchase", 50)] }));
    expect(decision).toMatchObject({ ok: true, points: 350, tokenAmount: "3500000000000000000", address: wallet });
  });

  it("leaves points of kinds the program does not settle, and lots of unknown kind, as points", () => {
    const decision = decidePayout(facts({ lots: [lot(1, "voice_ama", 120), lot(2, "join", 100), lot(3, null, 400), lot(4, "adjustment", 80)] }));
    expect(decision).toMatchObject({ ok: true, points: 120, allocations: [{ lotId: 1, points: 120 }] });
  });

  it("spends the settleable lots soonest expiry first", () => {
    const decision = decidePayout(facts({ lots: [lot(1, "voice_ama", 200, null), lot(2, "purchase", 150, 5_000), lot(3, "voice_ama", 100, 1_000)], cutTodayPoints: 200 }));
    expect(decision).toMatchObject({ ok: true, points: 300, allocations: [{ lotId: 3, points: 100 }, { lotId: 2, points: 150 }, { lotId: 1, points: 50 }] });
  });

  it("caps a payout at what is left of today's ceiling", () => {
    expect(decidePayout(facts({ lots: [lot(1, "voice_ama", 2_000)], cutTodayPoints: 250 }))).toMatchObject({ ok: true, points: 250 });
  });

  it("refuses with a named reason that says what to do", () => {
    expect(refusal(decidePayout(facts({ settlement: undefined })))).toBe("settlement_not_offered");
    expect(refusal(decidePayout(facts({ verified: false })))).toBe("member_not_verified");
    expect(refusal(decidePayout(facts({ payoutAddress: null })))).toBe("no_payout_wallet");
    expect(refusal(decidePayout(facts({ debt: 40, lots: [] })))).toBe("points_in_debt");
    expect(refusal(decidePayout(facts({ lots: [lot(1, "voice_ama", 99)] })))).toBe("below_minimum_payout");
    expect(refusal(decidePayout(facts({ cutTodayPoints: 401 })))).toBe("daily_ceiling_reached");
    const below = decidePayout(facts({ lots: [lot(1, "voice_ama", 60)] }));
    expect(below.ok ? "" : below.rejection.message).toBe("60 points can settle (earned by voice_ama, purchase); a payout needs at least 100: earn 40 more");
  });
});
