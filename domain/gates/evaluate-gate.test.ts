import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { evaluateGate, type GateFacts } from "./evaluate-gate";
import { type GateRequirement, GateRequirementSchema } from "./requirement";

const ladder = ["BRONZE", "SILVER", "GOLD", "DIAMOND"] as const;
const silverMember: GateFacts = { tier: "SILVER", lifetimePoints: 1000, walletLinked: false, accountAgeDays: 30, streakDays: 5 };

const check = (requirement: GateRequirement, facts: GateFacts = silverMember) => evaluateGate(requirement, facts, ladder);

describe("evaluateGate leaves", () => {
  it("passes a tier requirement at or below the member's tier and names both tiers otherwise", () => {
    expect(check({ tierAtLeast: "BRONZE" })).toEqual({ pass: true });
    expect(check({ tierAtLeast: "SILVER" })).toEqual({ pass: true });
    expect(check({ tierAtLeast: "GOLD" })).toEqual({ pass: false, unmet: [{ leaf: "tierAtLeast", required: "GOLD", current: "SILVER" }] });
  });

  it("passes lifetime points at exactly the threshold and fails one point short", () => {
    expect(check({ lifetimePointsAtLeast: 1000 })).toEqual({ pass: true });
    expect(check({ lifetimePointsAtLeast: 1001 })).toEqual({
      pass: false,
      unmet: [{ leaf: "lifetimePointsAtLeast", required: 1001, current: 1000 }],
    });
  });

  it("needs a linked wallet for walletLinked", () => {
    expect(check({ walletLinked: true })).toEqual({ pass: false, unmet: [{ leaf: "walletLinked", required: true, current: false }] });
    expect(check({ walletLinked: true }, { ...silverMember, walletLinked: true })).toEqual({ pass: true });
  });

  it("passes account age and streak at exactly the number of days and fails a day short", () => {
    expect(check({ accountAgeDaysAtLeast: 30 })).toEqual({ pass: true });
    expect(check({ accountAgeDaysAtLeast: 31 })).toEqual({ pass: false, unmet: [{ leaf: "accountAgeDaysAtLeast", required: 31, current: 30 }] });
    expect(check({ streakDaysAtLeast: 5 })).toEqual({ pass: true });
    expect(check({ streakDaysAtLeast: 6 })).toEqual({ pass: false, unmet: [{ leaf: "streakDaysAtLeast", required: 6, current: 5 }] });
  });

  it("compares settled tokens in base units, at exactly the amount and one base unit short", () => {
    const holder = { ...silverMember, settledTokenAmount: "12500000000000000000" };
    expect(check({ tokenBalanceAtLeast: "12.5" }, holder)).toEqual({ pass: true });
    expect(check({ tokenBalanceAtLeast: 12 }, holder)).toEqual({ pass: true });
    expect(check({ tokenBalanceAtLeast: "12.500000000000000001" }, holder)).toEqual({ pass: false, unmet: [{ leaf: "tokenBalanceAtLeast", required: "12.500000000000000001", current: "12.5" }] });
  });

  it("counts a member with no settled tokens as holding none", () => {
    expect(check({ tokenBalanceAtLeast: 1 })).toEqual({ pass: false, unmet: [{ leaf: "tokenBalanceAtLeast", required: "1", current: "0" }] });
    expect(check({ not: { tokenBalanceAtLeast: 1 } })).toEqual({ pass: true });
  });

  it("ranks a member's tier that is not on the ladder below every tier", () => {
    const retired = { ...silverMember, tier: "PLATINUM" };
    expect(check({ tierAtLeast: "BRONZE" }, retired)).toEqual({ pass: false, unmet: [{ leaf: "tierAtLeast", required: "BRONZE", current: "PLATINUM" }] });
    expect(check({ not: { tierAtLeast: "BRONZE" } }, retired)).toEqual({ pass: true });
  });

  it("fails closed when the gate names a tier the ladder does not have, even for a member of that tier", () => {
    expect(check({ tierAtLeast: "PLATINUM" }, { ...silverMember, tier: "PLATINUM" })).toMatchObject({ pass: false });
  });
});

describe("evaluateGate composites", () => {
  it("all: lists the unmet leaves of every failing child, in order", () => {
    expect(check({ all: [{ tierAtLeast: "GOLD" }, { lifetimePointsAtLeast: 500 }, { walletLinked: true }] })).toEqual({
      pass: false,
      unmet: [
        { leaf: "tierAtLeast", required: "GOLD", current: "SILVER" },
        { leaf: "walletLinked", required: true, current: false },
      ],
    });
    expect(check({ all: [{ tierAtLeast: "SILVER" }, { lifetimePointsAtLeast: 500 }] })).toEqual({ pass: true });
  });

  it("any: passes on one child, and otherwise lists every child's unmet leaves", () => {
    expect(check({ any: [{ tierAtLeast: "GOLD" }, { streakDaysAtLeast: 5 }] })).toEqual({ pass: true });
    expect(check({ any: [{ tierAtLeast: "GOLD" }, { all: [{ walletLinked: true }, { streakDaysAtLeast: 7 }] }] })).toEqual({
      pass: false,
      unmet: [
        { leaf: "tierAtLeast", required: "GOLD", current: "SILVER" },
        { leaf: "walletLinked", required: true, current: false },
        { leaf: "streakDaysAtLeast", required: 7, current: 5 },
      ],
    });
  });

  it("atLeast: passes with n children met, and otherwise lists the failing children's leaves", () => {
    const twoOfThree = (facts: GateFacts) =>
      check({ atLeast: { n: 2, of: [{ tierAtLeast: "GOLD" }, { walletLinked: true }, { accountAgeDaysAtLeast: 30 }] } }, facts);
    expect(twoOfThree(silverMember)).toEqual({
      pass: false,
      unmet: [
        { leaf: "tierAtLeast", required: "GOLD", current: "SILVER" },
        { leaf: "walletLinked", required: true, current: false },
      ],
    });
    expect(twoOfThree({ ...silverMember, walletLinked: true })).toEqual({ pass: true });
  });

  it("not: fails on a satisfied leaf and reports it as negated", () => {
    expect(check({ not: { tierAtLeast: "SILVER" } })).toEqual({
      pass: false,
      unmet: [{ leaf: "tierAtLeast", required: "SILVER", current: "SILVER", negated: true }],
    });
    expect(check({ not: { walletLinked: true } })).toEqual({ pass: true });
  });

  it("not: reports the leaves its child passes on, not the child's other leaves", () => {
    expect(check({ not: { any: [{ tierAtLeast: "GOLD" }, { lifetimePointsAtLeast: 500 }] } })).toEqual({
      pass: false,
      unmet: [{ leaf: "lifetimePointsAtLeast", required: 500, current: 1000, negated: true }],
    });
    expect(check({ not: { all: [{ tierAtLeast: "BRONZE" }, { streakDaysAtLeast: 1 }] } })).toEqual({
      pass: false,
      unmet: [
        { leaf: "tierAtLeast", required: "BRONZE", current: "SILVER", negated: true },
        { leaf: "streakDaysAtLeast", required: 1, current: 5, negated: true },
      ],
    });
  });

  it("not inside all: a newcomer-only gate lists both what is missing and what must not hold", () => {
    const newcomersWithWallet: GateRequirement = { all: [{ walletLinked: true }, { not: { accountAgeDaysAtLeast: 7 } }] };
    expect(check(newcomersWithWallet)).toEqual({
      pass: false,
      unmet: [
        { leaf: "walletLinked", required: true, current: false },
        { leaf: "accountAgeDaysAtLeast", required: 7, current: 30, negated: true },
      ],
    });
    expect(check(newcomersWithWallet, { ...silverMember, walletLinked: true, accountAgeDays: 6 })).toEqual({ pass: true });
  });

  it("lists a leaf reached through two branches once", () => {
    expect(check({ all: [{ tierAtLeast: "GOLD" }, { any: [{ tierAtLeast: "GOLD" }, { walletLinked: true }] }] })).toEqual({
      pass: false,
      unmet: [
        { leaf: "tierAtLeast", required: "GOLD", current: "SILVER" },
        { leaf: "walletLinked", required: true, current: false },
      ],
    });
  });

  it("refuses to answer for a tree the schema would reject, rather than fail without a reason", () => {
    expect(() => check({ any: [] })).toThrow(/GateRequirementSchema/);
  });
});

const tierCodes = [...ladder, "PLATINUM"];

const leafArbitrary: fc.Arbitrary<GateRequirement> = fc.oneof(
  fc.constantFrom(...tierCodes).map((tierAtLeast) => ({ tierAtLeast })),
  fc.integer({ min: 0, max: 10 }).map((lifetimePointsAtLeast) => ({ lifetimePointsAtLeast })),
  fc.constant({ walletLinked: true as const }),
  fc.integer({ min: 0, max: 10 }).map((accountAgeDaysAtLeast) => ({ accountAgeDaysAtLeast })),
  fc.integer({ min: 0, max: 10 }).map((streakDaysAtLeast) => ({ streakDaysAtLeast })),
  fc.integer({ min: 1, max: 10 }).map((tokens) => ({ tokenBalanceAtLeast: tokens })),
);

const { requirement: requirementArbitrary } = fc.letrec<{ requirement: GateRequirement }>((tie) => {
  const children = fc.array(tie("requirement"), { minLength: 1, maxLength: 3 });
  return {
    requirement: fc.oneof(
      { maxDepth: 3, depthIdentifier: "requirement" },
      leafArbitrary,
      children.map((all) => ({ all })),
      children.map((any) => ({ any })),
      children.chain((of) => fc.integer({ min: 1, max: of.length }).map((n) => ({ atLeast: { n, of } }))),
      tie("requirement").map((not) => ({ not })),
    ),
  };
});

// Small ranges so that facts often sit exactly on a leaf's threshold.
const factsArbitrary: fc.Arbitrary<GateFacts> = fc.record({
  tier: fc.constantFrom(...tierCodes),
  lifetimePoints: fc.integer({ min: 0, max: 10 }),
  walletLinked: fc.boolean(),
  accountAgeDays: fc.integer({ min: 0, max: 10 }),
  streakDays: fc.integer({ min: 0, max: 10 }),
  settledTokenAmount: fc.integer({ min: 0, max: 10 }).map((tokens) => (BigInt(tokens) * 10n ** 18n).toString()),
});

describe("evaluateGate properties", () => {
  it("evaluates not(not(x)) exactly like x, unmet leaves included", () => {
    fc.assert(
      fc.property(requirementArbitrary, factsArbitrary, (requirement, facts) => {
        expect(check({ not: { not: requirement } }, facts)).toEqual(check(requirement, facts));
      }),
    );
  });

  it("passes all([x]) and any([x]) exactly when x passes", () => {
    fc.assert(
      fc.property(requirementArbitrary, factsArbitrary, (requirement, facts) => {
        const alone = check(requirement, facts);
        expect(check({ all: [requirement] }, facts).pass).toBe(alone.pass);
        expect(check({ any: [requirement] }, facts).pass).toBe(alone.pass);
        expect(check({ all: [requirement] }, facts)).toEqual(alone);
        expect(check({ any: [requirement] }, facts)).toEqual(alone);
      }),
    );
  });

  it("never lists the same unmet leaf twice, and every generated tree is one the schema accepts", () => {
    fc.assert(
      fc.property(requirementArbitrary, factsArbitrary, (requirement, facts) => {
        expect(GateRequirementSchema.safeParse(requirement).success).toBe(true);
        const result = check(requirement, facts);
        if (result.pass) return;
        const keys = result.unmet.map((leaf) => JSON.stringify(leaf));
        expect(new Set(keys).size).toBe(keys.length);
      }),
    );
  });
});
