import { describe, expect, it } from "vitest";
import { type GateRequirement, GateRequirementSchema, GatesSchema, gateTierCodes } from "./requirement";

const wallet: GateRequirement = { walletLinked: true };

function nestedNots(depth: number): unknown {
  let node: unknown = wallet;
  for (let level = 1; level < depth; level++) node = { not: node };
  return node;
}

function messagesOf(input: unknown): string[] {
  const result = GateRequirementSchema.safeParse(input);
  return result.success ? [] : result.error.issues.map((issue) => issue.message);
}

describe("GateRequirementSchema", () => {
  it("accepts every leaf and composite shape", () => {
    const shapes: GateRequirement[] = [
      { tierAtLeast: "GOLD" },
      { lifetimePointsAtLeast: 0 },
      { walletLinked: true },
      { accountAgeDaysAtLeast: 36_500 },
      { streakDaysAtLeast: 7 },
      { tokenBalanceAtLeast: 100 },
      { tokenBalanceAtLeast: "12.5" },
      { all: [{ tierAtLeast: "SILVER" }, wallet] },
      { any: [wallet] },
      { atLeast: { n: 2, of: [wallet, { streakDaysAtLeast: 3 }, { tierAtLeast: "TIER_2" }] } },
      { not: { any: [{ tierAtLeast: "DIAMOND" }] } },
    ];
    for (const shape of shapes) expect(GateRequirementSchema.parse(shape)).toEqual(shape);
  });

  it("refuses an unknown key, naming the keys it allows", () => {
    expect(messagesOf({ nftHeld: 5 })[0]).toMatch(/exactly one of the keys all, any, atLeast.*tokenBalanceAtLeast; got the keys nftHeld/);
    expect(GateRequirementSchema.safeParse({ all: [{ badge: "early" }] }).success).toBe(false);
  });

  it("refuses a token balance that is not a positive plain decimal, saying how to write one", () => {
    for (const tokens of [0, -1, "1e3", "abc", "0.0000000000000000001"]) {
      expect(messagesOf({ tokenBalanceAtLeast: tokens })).toEqual(['tokenBalanceAtLeast: write a positive amount of whole tokens, such as 100 or "12.5" (at most 18 decimals, no exponent)']);
    }
  });

  it("refuses a node with two keys instead of guessing which one was meant", () => {
    expect(messagesOf({ tierAtLeast: "GOLD", walletLinked: true })[0]).toMatch(/got the keys tierAtLeast, walletLinked/);
    expect(GateRequirementSchema.safeParse({ atLeast: { n: 1, of: [wallet], extra: 1 } }).success).toBe(false);
  });

  it("refuses atLeast with n larger than its list, which could never pass", () => {
    const result = GateRequirementSchema.safeParse({ atLeast: { n: 3, of: [wallet, wallet] } });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]).toMatchObject({ path: ["atLeast", "n"], message: expect.stringMatching(/larger than the number/) });
    expect(GateRequirementSchema.safeParse({ atLeast: { n: 0, of: [wallet] } }).success).toBe(false);
  });

  it("refuses empty and over-long lists", () => {
    expect(GateRequirementSchema.safeParse({ all: [] }).success).toBe(false);
    expect(GateRequirementSchema.safeParse({ any: Array.from({ length: 21 }, () => wallet) }).success).toBe(false);
    expect(GateRequirementSchema.safeParse({ any: Array.from({ length: 20 }, () => wallet) }).success).toBe(true);
  });

  it("accepts 8 levels and refuses 9", () => {
    expect(GateRequirementSchema.safeParse(nestedNots(8)).success).toBe(true);
    expect(messagesOf(nestedNots(9))).toEqual([expect.stringMatching(/at most 8 levels deep/)]);
  });

  it("refuses a very deep body quickly instead of overflowing the stack", () => {
    expect(messagesOf(nestedNots(100_000))).toEqual([expect.stringMatching(/at most 8 levels deep/)]);
  });

  it("accepts 64 nodes and refuses 65", () => {
    const twentyWallets = { any: Array.from({ length: 20 }, () => wallet) };
    // 1 root + 3 groups + 60 leaves = 64 nodes.
    const sixtyFour = { all: [twentyWallets, twentyWallets, twentyWallets] };
    expect(GateRequirementSchema.safeParse(sixtyFour).success).toBe(true);
    expect(messagesOf({ all: [...sixtyFour.all, wallet] })).toEqual([expect.stringMatching(/at most 64 nodes/)]);
  });

  it("refuses tier codes that are not UPPER_SNAKE_CASE", () => {
    for (const code of ["gold", "Gold", "1GOLD", "", "GOLD-PLUS", "A".repeat(33)]) {
      expect(messagesOf({ tierAtLeast: code })).toEqual([expect.stringMatching(/UPPER_SNAKE_CASE/)]);
    }
    expect(GateRequirementSchema.safeParse({ tierAtLeast: "A".repeat(32) }).success).toBe(true);
  });

  it("refuses leaf values out of range", () => {
    for (const bad of [
      { walletLinked: false },
      { lifetimePointsAtLeast: -1 },
      { lifetimePointsAtLeast: 1.5 },
      { accountAgeDaysAtLeast: 36_501 },
      { streakDaysAtLeast: -1 },
      { tierAtLeast: 3 },
    ]) {
      expect(GateRequirementSchema.safeParse(bad).success, JSON.stringify(bad)).toBe(false);
    }
  });

  it("names the leaf whose value is wrong when the key is right", () => {
    expect(messagesOf({ walletLinked: false })[0]).toMatch(/^walletLinked: /);
  });
});

describe("gateTierCodes", () => {
  it("lists every tier code a tree names, once, in order of appearance", () => {
    const requirement: GateRequirement = {
      any: [
        { tierAtLeast: "GOLD" },
        { atLeast: { n: 1, of: [{ not: { tierAtLeast: "SILVER" } }, wallet] } },
        { all: [{ tierAtLeast: "GOLD" }, { streakDaysAtLeast: 3 }] },
      ],
    };
    expect(gateTierCodes(requirement)).toEqual(["GOLD", "SILVER"]);
    expect(gateTierCodes(wallet)).toEqual([]);
  });
});

describe("GatesSchema", () => {
  it("accepts named gates such as channel:alpha-signals and scheduleAma", () => {
    const gates = { "channel:alpha-signals": { tierAtLeast: "SILVER" }, scheduleAma: { tierAtLeast: "GOLD" }, "beta_2-x": wallet };
    expect(GatesSchema.parse(gates)).toEqual(gates);
  });

  it("refuses a gate name that does not start with a lowercase letter, naming it", () => {
    const result = GatesSchema.safeParse({ ScheduleAma: wallet });
    expect(result.error?.issues[0]).toMatchObject({ path: ["ScheduleAma"], message: expect.stringMatching(/gate name "ScheduleAma" is not allowed/) });
    for (const name of ["channel alpha", ":x", "a".repeat(65), ""]) {
      expect(GatesSchema.safeParse({ [name]: wallet }).success, name).toBe(false);
    }
  });

  it("accepts 100 gates and refuses 101", () => {
    const gates = (count: number) => Object.fromEntries(Array.from({ length: count }, (_, index) => [`gate${index}`, wallet]));
    expect(GatesSchema.safeParse(gates(100)).success).toBe(true);
    expect(GatesSchema.safeParse(gates(101)).error?.issues[0].message).toMatch(/at most 100 gates/);
  });

  it("checks each gate's tree, with the gate name in the path", () => {
    const result = GatesSchema.safeParse({ vote: { tierAtLeast: "gold" } });
    expect(result.error?.issues[0]).toMatchObject({ path: ["vote", "tierAtLeast"] });
  });
});
