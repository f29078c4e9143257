import { communityPresetGates } from "../gates/community-gates";
import type { ProgramConfig } from "./program-config";

/** The seed numbers of ARCHITECTURE.md §4. Operators start from one and override what differs. */
const restaurant: ProgramConfig = {
  kind: "venue",
  currency: "USD",
  timezone: "America/New_York",
  tiers: [
    { code: "BRONZE", multiplier: 1, qualify: { lifetimePoints: 0 } },
    { code: "SILVER", multiplier: 1.25, qualify: { lifetimePoints: 500, lifetimeSpendCents: 50_000, visits: 5 } },
    { code: "GOLD", multiplier: 1.5, qualify: { lifetimePoints: 2000, lifetimeSpendCents: 200_000, visits: 20 } },
    { code: "PLATINUM", multiplier: 2, qualify: { lifetimePoints: 5000, lifetimeSpendCents: 500_000, visits: 50 } },
  ],
  earn: {
    pointsPerDollar: 1,
    firstVisitBonus: 100,
    birthdayMonthBonus: 50,
    postingDelayHours: 24,
    redemptionPointsPerDollar: 100,
    adjustmentsQualify: false,
  },
  expiry: { mode: "after_earning", months: 12, warningDays: 30, lowestTierOnly: false },
  requalification: { enabled: false, windowMonths: 12, maxDowngradeSteps: 1 },
  campaigns: [],
  referral: { points: 100, secondLevelPercent: 25, dailyCap: 20 },
};

// The architecture page's channel map and gated actions; the preset spells them out as named gates.
const channelsByTier = {
  BRONZE: ["general", "introductions", "support"],
  SILVER: ["alpha-signals", "governance-discussion"],
  GOLD: ["founders-room", "early-access"],
  DIAMOND: ["diamond-lounge", "strategy-council"],
};
const actionTiers = { scheduleAma: "GOLD", createLiveEvent: "DIAMOND", proposeGovernance: "DIAMOND", voteGovernance: "GOLD" };

const community: ProgramConfig = {
  kind: "community",
  currency: "USD",
  timezone: "UTC",
  tiers: [
    { code: "BRONZE", multiplier: 1, qualify: { lifetimePoints: 0 } },
    { code: "SILVER", multiplier: 1.25, qualify: { lifetimePoints: 500 } },
    { code: "GOLD", multiplier: 1.5, qualify: { lifetimePoints: 2000 } },
    { code: "DIAMOND", multiplier: 2, qualify: { lifetimePoints: 10_000 } },
  ],
  earn: {
    pointsPerDollar: 0,
    firstVisitBonus: 0,
    birthdayMonthBonus: 0,
    postingDelayHours: 0,
    redemptionPointsPerDollar: 100,
    adjustmentsQualify: false,
  },
  expiry: { mode: "none", months: 12, warningDays: 2, lowestTierOnly: false },
  requalification: { enabled: false, windowMonths: 12, maxDowngradeSteps: 1 },
  campaigns: [],
  community: {
    joinBonus: 100,
    voiceAma: { points: 50, minAttendedMinutes: 15 },
    liveEvent: { points: 30 },
    chat: { points: 10, minMessages: 5, minSpanHours: 2 },
    dailyStreak: { points: 5, capDays: 30, divisor: 10, milestones: { "7": 50, "30": 200 } },
    referral: { points: 100, secondLevelPercent: 25, dailyCap: 20 },
    cooldownMinutes: 60,
    weeklyFeatureMultipliers: [1, 1.5, 2, 3],
    decayWarningHours: 48,
    // The same numbers as the fields above, as named kinds; omitted cooldowns take cooldownMinutes.
    // join, referral and daily_streak have their own once-only rules, so no cooldown on top.
    actions: {
      join: { points: 100, cooldownMinutes: 0 },
      voice_ama: { points: 50, feature: "voice" },
      live_event: { points: 30, feature: "events" },
      chat_activity: { points: 10, dailyCap: 1, feature: "chat" },
      referral: { points: 100, cooldownMinutes: 0 },
      governance_vote: { points: 5 },
      daily_streak: { points: 5, cooldownMinutes: 0 },
    },
    streakWarnings: { atRiskHour: 20, atRiskMinStreak: 3, inactiveHours: 48 },
    channelsByTier,
    actionTiers,
    // No Tencent Chat groups by default: an operator maps gates to its own groups (npm start's seed maps demo ones).
    chatGroups: {},
    gates: communityPresetGates(channelsByTier, actionTiers, ["BRONZE", "SILVER", "GOLD", "DIAMOND"]),
  },
  // Points a human earned settle as tokens: 1 point = 0.01 token, from 100 points, at most 5,000 a day.
  // Effortless credits (join bonus, streak) stay points.
  settlement: {
    kinds: ["voice_ama", "live_event", "chat_activity", "governance_vote", "referral"],
    tokenUnitsPerPoint: "10000000000000000",
    minPayoutPoints: 100,
    dailyCeilingPoints: 5_000,
    relinkCoolingOffHours: 24,
  },
};

export const presets = { restaurant, community } as const;
export type PresetName = keyof typeof presets;
export const presetNames = Object.keys(presets) as [PresetName, ...PresetName[]];
