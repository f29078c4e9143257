import { describe, expect, it } from "vitest";
import type { ProgramConfig } from "../programs/program-config";
import { presets } from "../programs/presets";
import { communityPresetGates, gatesOf } from "./community-gates";
import { evaluateGate, type GateFacts } from "./evaluate-gate";
import { type GateRequirement, GatesSchema } from "./requirement";

const community = presets.community;
const ladder = community.tiers.map((tier) => tier.code);
const member = (tier: string): GateFacts => ({ tier, lifetimePoints: 0, walletLinked: false, accountAgeDays: 0, streakDays: 0 });

describe("community preset gates", () => {
  const gates = gatesOf(community);
  const check = (gate: string, tier: string) => evaluateGate(gates[gate], member(tier), ladder);

  it("has a gate per channel and one per gated action, all valid as config", () => {
    expect(Object.keys(gates)).toEqual([
      "channel:general",
      "channel:introductions",
      "channel:support",
      "channel:alpha-signals",
      "channel:governance-discussion",
      "channel:founders-room",
      "channel:early-access",
      "channel:diamond-lounge",
      "channel:strategy-council",
      "scheduleAma",
      "createEvent",
      "propose",
      "vote",
    ]);
    expect(GatesSchema.safeParse(gates).success).toBe(true);
  });

  it("opens the BRONZE channels to everyone and gates the others at their tier", () => {
    expect(gates["channel:general"]).toEqual({ lifetimePointsAtLeast: 0 });
    expect(gates["channel:alpha-signals"]).toEqual({ tierAtLeast: "SILVER" });
    expect(gates["channel:founders-room"]).toEqual({ tierAtLeast: "GOLD" });
    expect(gates["channel:strategy-council"]).toEqual({ tierAtLeast: "DIAMOND" });
  });

  it("lets a BRONZE member into general but not alpha-signals, which needs SILVER", () => {
    expect(check("channel:general", "BRONZE")).toEqual({ pass: true });
    expect(check("channel:alpha-signals", "BRONZE")).toEqual({
      pass: false,
      unmet: [{ leaf: "tierAtLeast", required: "SILVER", current: "BRONZE" }],
    });
  });

  it("lets a GOLD member vote and schedule an AMA, but not propose or create an event, which need DIAMOND", () => {
    expect(check("vote", "GOLD")).toEqual({ pass: true });
    expect(check("scheduleAma", "GOLD")).toEqual({ pass: true });
    for (const gate of ["propose", "createEvent"]) {
      expect(check(gate, "GOLD")).toEqual({ pass: false, unmet: [{ leaf: "tierAtLeast", required: "DIAMOND", current: "GOLD" }] });
    }
    expect(check("propose", "DIAMOND")).toEqual({ pass: true });
  });
});

describe("communityPresetGates", () => {
  const actionTiers = { scheduleAma: "GOLD", createLiveEvent: "DIAMOND", proposeGovernance: "DIAMOND", voteGovernance: "GOLD" };

  it("opens a channel listed at several tiers at the lowest of them", () => {
    const gates = communityPresetGates({ GOLD: ["lounge"], SILVER: ["lounge"] }, actionTiers, ladder);
    expect(gates["channel:lounge"]).toEqual({ tierAtLeast: "SILVER" });
  });

  it("keeps a channel listed under a tier missing from the ladder closed to every member", () => {
    const gates = communityPresetGates({ BRONZE: ["general"], PLATINUM: ["vault"] }, actionTiers, ladder);
    for (const tier of ladder) expect(evaluateGate(gates["channel:vault"], member(tier), ladder).pass).toBe(false);
  });
});

describe("gatesOf", () => {
  it("uses the gates a program configures instead of the preset's", () => {
    const configured: Record<string, GateRequirement> = { vote: { all: [{ tierAtLeast: "SILVER" }, { walletLinked: true }] } };
    const config = { ...community, community: { ...community.community, gates: configured } } as ProgramConfig;
    expect(gatesOf(config)).toEqual(configured);
  });

  it("gates nothing in a program without community rules", () => {
    expect(gatesOf(presets.restaurant)).toEqual({});
  });
});
