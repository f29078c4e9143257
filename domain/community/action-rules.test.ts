import { describe, expect, it } from "vitest";
import { buildProgramConfig } from "../programs/build-program-config";
import { CommunityRulesSchema, type CommunityRules } from "../programs/program-config";
import { actionRulesOf, streakRulesOf, streakWarningsOf } from "./action-rules";

const hourMs = 3_600_000;

function communityOf(overrides: Record<string, unknown> = {}): CommunityRules {
  const result = buildProgramConfig("community", overrides);
  if (!result.ok) throw new Error(`community config should be valid: ${JSON.stringify(result.issues)}`);
  if (!result.config.community) throw new Error("the community preset has community rules");
  return result.config.community;
}

// A community config as stored before issue 16: no actions, no streak warnings, streak points only.
const storedBeforeIssue16 = {
  joinBonus: 100,
  voiceAma: { points: 50, minAttendedMinutes: 15 },
  liveEvent: { points: 30 },
  chat: { points: 10, minMessages: 5, minSpanHours: 2 },
  dailyStreak: { points: 5 },
  referral: { points: 100, secondLevelPercent: 25 },
  cooldownMinutes: 60,
  weeklyFeatureMultipliers: [1, 1.5, 2, 3],
  decayWarningHours: 36,
  channelsByTier: { BRONZE: ["general"] },
  actionTiers: { scheduleAma: "GOLD", createLiveEvent: "DIAMOND", proposeGovernance: "DIAMOND", voteGovernance: "GOLD" },
};

describe("actionRulesOf on the community preset", () => {
  const rules = actionRulesOf(communityOf());

  it("earns the seed's numbers under the issue's machine names", () => {
    expect(Object.fromEntries(Object.entries(rules).map(([kind, rule]) => [kind, rule.points]))).toEqual({
      join: 100,
      voice_ama: 50,
      live_event: 30,
      chat_activity: 10,
      referral: 100,
      governance_vote: 5,
      daily_streak: 5,
    });
  });

  it("cools down each kind for 1 hour except join, referral and the daily streak", () => {
    expect(rules.voice_ama.cooldownMs).toBe(hourMs);
    expect(rules.live_event.cooldownMs).toBe(hourMs);
    expect(rules.chat_activity.cooldownMs).toBe(hourMs);
    expect(rules.governance_vote.cooldownMs).toBe(hourMs);
    expect([rules.join.cooldownMs, rules.referral.cooldownMs, rules.daily_streak.cooldownMs]).toEqual([0, 0, 0]);
  });

  it("credits chat once a day; referrals are capped by the referral rules (both levels together), not as an action", () => {
    expect(rules.chat_activity.dailyCap).toBe(1);
    expect(rules.referral.dailyCap).toBeNull();
    expect(rules.referral.cooldownMs).toBe(0);
    expect(rules.voice_ama.dailyCap).toBeNull();
  });

  it("counts AMAs, events and chat toward the weekly features", () => {
    expect([rules.voice_ama.feature, rules.live_event.feature, rules.chat_activity.feature]).toEqual(["voice", "events", "chat"]);
    expect(rules.join.feature).toBeNull();
  });

  it("scales the streak from 5 points, capped at 30 days, divided by 10, with bonuses at 7 and 30 days", () => {
    expect(streakRulesOf(communityOf())).toEqual({ points: 5, capDays: 30, divisor: 10, milestones: { "7": 50, "30": 200 } });
  });

  it("warns at 20:00 for streaks of 3 days or more and after 48 hours without activity", () => {
    expect(streakWarningsOf(communityOf())).toEqual({ atRiskHour: 20, atRiskMinStreak: 3, inactiveHours: 48 });
  });

  it("keeps the preset's legacy fields in step with its actions", () => {
    expect(actionRulesOf({ ...communityOf(), actions: undefined })).toEqual(rules);
  });
});

describe("actionRulesOf with an operator's own kinds", () => {
  it("adds a custom kind with the program's default cooldown and no cap", () => {
    const community = communityOf({ community: { actions: { meetup_attended: { points: 40 } } } });
    expect(actionRulesOf(community).meetup_attended).toEqual({ points: 40, cooldownMs: hourMs, dailyCap: null, feature: null });
  });

  it("lets null turn off a default cap or feature", () => {
    const community = communityOf({ community: { actions: { chat_activity: { points: 10, dailyCap: null, feature: null } } } });
    expect(actionRulesOf(community).chat_activity).toMatchObject({ dailyCap: null, feature: null });
  });

  it("refuses kind names that are not lower_snake_case and more than 50 kinds", () => {
    expect(buildProgramConfig("community", { community: { actions: { "Meetup!": { points: 1 } } } }).ok).toBe(false);
    const many = Object.fromEntries(Array.from({ length: 51 }, (_, index) => [`kind_${index}`, { points: 1 }]));
    expect(buildProgramConfig("community", { community: { actions: many } }).ok).toBe(false);
  });

  it("refuses a negative cooldown and a zero daily cap", () => {
    expect(buildProgramConfig("community", { community: { actions: { quiz: { points: 1, cooldownMinutes: -1 } } } }).ok).toBe(false);
    expect(buildProgramConfig("community", { community: { actions: { quiz: { points: 1, dailyCap: 0 } } } }).ok).toBe(false);
  });
});

describe("a community config stored before issue 16", () => {
  const community = CommunityRulesSchema.parse(storedBeforeIssue16);

  it("still parses, with the streak's new settings at their defaults", () => {
    expect(community.dailyStreak).toEqual({ points: 5, capDays: 30, divisor: 10, milestones: { "7": 50, "30": 200 } });
    expect(community.actions).toBeUndefined();
  });

  it("derives the seven kinds from its fields", () => {
    const rules = actionRulesOf(community);
    expect(Object.keys(rules).sort()).toEqual(
      ["chat_activity", "daily_streak", "governance_vote", "join", "live_event", "referral", "voice_ama"],
    );
    expect(rules.chat_activity).toEqual({ points: 10, cooldownMs: hourMs, dailyCap: 1, feature: "chat" });
    expect(rules.referral).toEqual({ points: 100, cooldownMs: 0, dailyCap: null, feature: null });
  });

  it("takes the inactivity warning from decayWarningHours", () => {
    expect(streakWarningsOf(community)).toEqual({ atRiskHour: 20, atRiskMinStreak: 3, inactiveHours: 36 });
  });
});
