import {
  type CommunityAction,
  type CommunityFeature,
  type CommunityRules,
  type ProgramConfig,
  type StreakWarnings,
  defaultQualifyingKinds,
  reservedActionKinds,
} from "../programs/program-config";

/** What one action kind earns and how often, with every program default resolved. */
export type ActionRule = {
  points: number;
  cooldownMs: number;
  dailyCap: number | null;
  feature: CommunityFeature | null;
};

export type ReferralRules = { points: number; secondLevelPercent: number; dailyCap?: number; minSpendCents?: number };
export type StreakRules = { points: number; capDays: number; divisor: number; milestones: Record<string, number> };

const minuteMs = 60_000;
// Not in the seed's numbers; issue 16 asks for "a small reward".
const governanceVotePoints = 5;

/** The seed's kinds as configs stored before issue 16 describe them (no `actions` field yet). */
function legacyActions(community: CommunityRules): Record<string, CommunityAction> {
  return {
    join: { points: community.joinBonus, cooldownMinutes: 0 },
    voice_ama: { points: community.voiceAma.points },
    live_event: { points: community.liveEvent.points },
    chat_activity: { points: community.chat.points },
    referral: { points: community.referral.points, cooldownMinutes: 0 },
    governance_vote: { points: governanceVotePoints },
    daily_streak: { points: community.dailyStreak.points, cooldownMinutes: 0 },
  };
}

// What an action that leaves `dailyCap` or `feature` unset gets: the seed's "chat once a day",
// the referral cap, and the features the weekly multiplier counts.
function defaultDailyCap(kind: string, community: CommunityRules): number | null {
  if (kind === "chat_activity") return 1;
  if (kind === "referral") return community.referral.dailyCap ?? null;
  return null;
}

const defaultFeatures: Record<string, CommunityFeature> = { voice_ama: "voice", live_event: "events", chat_activity: "chat" };

/** Every action kind of the program, from `actions` when present, else from the legacy fields. */
export function actionRulesOf(community: CommunityRules): Record<string, ActionRule> {
  const actions = community.actions ?? legacyActions(community);
  const rules: Record<string, ActionRule> = {};
  for (const [kind, action] of Object.entries(actions)) {
    // Reserved kinds are paid once by their own paths: the program's default cooldown is not theirs.
    const reserved = reservedActionKinds.includes(kind);
    rules[kind] = {
      points: action.points,
      cooldownMs: reserved ? 0 : (action.cooldownMinutes ?? community.cooldownMinutes) * minuteMs,
      dailyCap: reserved ? null : action.dailyCap === undefined ? defaultDailyCap(kind, community) : action.dailyCap,
      feature: action.feature === undefined ? (defaultFeatures[kind] ?? null) : action.feature,
    };
  }
  return rules;
}

/** The daily streak's reward rules; `actions.daily_streak.points` is the base when the program lists it. */
export function streakRulesOf(community: CommunityRules): StreakRules {
  const { capDays, divisor, milestones } = community.dailyStreak;
  return { points: community.actions?.daily_streak?.points ?? community.dailyStreak.points, capDays, divisor, milestones };
}

/** Decay warning settings; configs stored before issue 16 only have `decayWarningHours`. */
export function streakWarningsOf(community: CommunityRules): StreakWarnings {
  return community.streakWarnings ?? { atRiskHour: 20, atRiskMinStreak: 3, inactiveHours: community.decayWarningHours };
}

/** A program's referral rules: the community's, or a venue program's own; null when it pays no referrals. */
export function referralRulesOf(config: ProgramConfig): ReferralRules | null {
  return config.community?.referral ?? config.referral ?? null;
}

/** Every kind a program credits: its community actions, and the referral levels wherever referrals pay. */
export function creditRulesOf(config: ProgramConfig): Record<string, ActionRule> {
  const rules = config.community ? actionRulesOf(config.community) : {};
  const referral = referralRulesOf(config);
  if (!referral) return rules;
  rules.referral ??= { points: referral.points, cooldownMs: 0, dailyCap: null, feature: null };
  // The cap is the referrer's to record (paid nothing), not a refusal: the payout path checks it.
  rules.referral = { ...rules.referral, dailyCap: null };
  rules.referral_second_level = { points: Math.floor((rules.referral.points * referral.secondLevelPercent) / 100), cooldownMs: 0, dailyCap: null, feature: null };
  return rules;
}

/** The kinds whose first credit verifies a community member (§7a). */
export function qualifyingKindsOf(community: CommunityRules): readonly string[] {
  return community.qualifyingKinds ?? defaultQualifyingKinds;
}

/** What a member earns without a human act: held as pending until the member is verified. */
const effortlessKinds = new Set(["join", "daily_streak", "referral", "referral_second_level"]);

export function isEffortless(kind: string): boolean {
  return effortlessKinds.has(kind);
}

/** A venue program's referral pays on a first posted purchase that keeps at least this much ($10 unless the program says). */
export const referralMinSpendCentsDefault = 1_000;

export function meetsReferralSpend(config: ProgramConfig, keptCents: number): boolean {
  const rules = referralRulesOf(config);
  return rules !== null && keptCents >= (rules.minSpendCents ?? referralMinSpendCentsDefault);
}

