import { describe, expect, it } from "vitest";
import { presets } from "../programs/presets";
import type { ProgramConfig } from "../programs/program-config";
import { batchesOf, channelVerdicts, channelsForTierAndUp, openGroupIds } from "./channel-set";

const chatGroups = {
  "channel:general": "g-general",
  "channel:alpha-signals": "g-alpha",
  "channel:founders-room": "g-founders",
  "channel:diamond-lounge": "g-diamond",
};
const config: ProgramConfig = { ...presets.community, community: { ...presets.community.community!, chatGroups } };
const facts = (tier: string, lifetimePoints = 0) => ({ tier, lifetimePoints, walletLinked: false, accountAgeDays: 1, streakDays: 0 });

describe("a member's chat channels", () => {
  it("opens the groups whose gates the member passes, cumulatively up the ladder", () => {
    expect([...openGroupIds(config, facts("BRONZE"))]).toEqual(["g-general"]);
    expect([...openGroupIds(config, facts("GOLD", 2_000))].sort()).toEqual(["g-alpha", "g-founders", "g-general"]);
    expect(openGroupIds(config, facts("DIAMOND", 10_000)).size).toBe(4);
  });

  it("keeps a channel mapped to an unknown gate closed, and a program without a map has no channels", () => {
    const orphan = { ...config, community: { ...config.community!, chatGroups: { "channel:nowhere": "g-x" } } };
    expect(channelVerdicts(orphan, facts("DIAMOND"))).toEqual([{ gate: "channel:nowhere", groupId: "g-x", open: false, unmet: [], gateMissing: true }]);
    expect(channelVerdicts(presets.restaurant, facts("PLATINUM"))).toEqual([]);
  });

  it("aims an announcement at the channels no member below minTier can open", () => {
    expect(channelsForTierAndUp(config, "GOLD").map((channel) => channel.gate)).toEqual(["channel:founders-room", "channel:diamond-lounge"]);
    expect(channelsForTierAndUp(config, "BRONZE")).toHaveLength(4);
    expect(() => channelsForTierAndUp(config, "EMERALD")).toThrow(RangeError);
  });

  it("splits a list into batches of at most the limit", () => {
    expect(batchesOf(Array.from({ length: 45 }, (_, index) => index), 20).map((batch) => batch.length)).toEqual([20, 20, 5]);
    expect(batchesOf([], 100)).toEqual([]);
    expect(() => batchesOf([1], 0)).toThrow(RangeError);
  });
});
