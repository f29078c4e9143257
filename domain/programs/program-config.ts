import { z } from "@hono/zod-openapi";
import { gatesOf } from "../gates/community-gates";
import { GatesSchema, gateTierCodes } from "../gates/requirement";
import { TokenSettlementSchema } from "../token-settlement/settlement-config";

/** A rung of the tier ladder. A member qualifies when ANY of the thresholds is met (§4). */
export const TierSchema = z
  .object({
    code: z.string().regex(/^[A-Z][A-Z0-9_]{0,31}$/, "tier codes are UPPER_SNAKE_CASE"),
    multiplier: z.number().min(1).max(10),
    qualify: z
      .object({
        lifetimePoints: z.number().int().min(0).optional(),
        lifetimeSpendCents: z.number().int().min(0).optional(),
        visits: z.number().int().min(0).optional(),
      })
      .strict(),
  })
  .strict()
  .openapi("Tier");

export const EarnRulesSchema = z
  .object({
    pointsPerDollar: z.number().min(0).max(100),
    firstVisitBonus: z.number().int().min(0).max(1_000_000),
    birthdayMonthBonus: z.number().int().min(0).max(1_000_000),
    postingDelayHours: z.number().min(0).max(24 * 30),
    /** What points are worth when redeemed: 100 points are $1 unless the program says otherwise (§3). */
    redemptionPointsPerDollar: z.number().int().min(1).max(100_000),
    /** Whether manual adjustment credits count toward tier qualification (lifetime points). */
    adjustmentsQualify: z.boolean().default(false),
  })
  .strict();

export const ExpiryPolicySchema = z
  .object({
    mode: z.enum(["none", "after_earning", "after_inactivity"]),
    months: z.number().int().min(1).max(120),
    warningDays: z.number().int().min(0).max(365),
    lowestTierOnly: z.boolean(),
  })
  .strict();

export const RequalificationSchema = z
  .object({
    enabled: z.boolean(),
    windowMonths: z.number().int().min(1).max(60),
    maxDowngradeSteps: z.number().int().min(0).max(10),
  })
  .strict();

/** Machine name of a community action kind, e.g. `voice_ama` or an operator's own `meetup_attended`. */
export const ActionKindSchema = z.string().regex(/^[a-z][a-z0-9_]{1,47}$/, "action kinds are lower_snake_case, 2-48 characters");

/** The features the weekly cross-feature multiplier counts an action toward (the streak counts itself). */
export const CommunityFeatureSchema = z.enum(["voice", "chat", "events"]);

const actionKindsMax = 50;
const milestonesMax = 20;
// A cooldown longer than a year would be a typo rather than a rule.
const cooldownMinutesMax = 366 * 24 * 60;
/**
 * No single credit may exceed this many points (issue 20): base × tier multiplier × weekly multiplier
 * stays far inside float64's exact integers. A base is at most 100,000 and each multiplier at most
 * 10; the config check below refuses a program whose worst case would still pass the limit.
 */
export const creditPointsMax = 10_000_000;
const creditBasePointsMax = 100_000;
/** Kinds paid by their own paths (joining, the streak claim, referral payouts): no cooldown or cap of their own. */
export const reservedActionKinds: readonly string[] = ["join", "daily_streak", "referral", "referral_second_level"];
/** What verifies a community member when the program does not say (§7a): each comes from a callback, attendance or a signature. */
export const defaultQualifyingKinds: readonly string[] = ["voice_ama", "live_event", "chat_activity", "governance_vote"];

/** One earnable action. An omitted field falls back to the program default; `null` says "none". */
export const CommunityActionSchema = z
  .object({
    points: z.number().int().min(0).max(creditBasePointsMax),
    cooldownMinutes: z.number().int().min(0).max(cooldownMinutesMax).optional(),
    dailyCap: z.number().int().min(1).max(10_000).nullable().optional(),
    feature: CommunityFeatureSchema.nullable().optional(),
  })
  .strict();

export const DailyStreakRulesSchema = z
  .object({
    /** Base points of a claim, scaled by the streak length (also `actions.daily_streak.points`). */
    points: z.number().int().min(0).max(creditBasePointsMax),
    /** Reward = floor(points × min(streakDays, capDays) / divisor). */
    capDays: z.number().int().min(1).max(3650).default(30),
    divisor: z.number().int().min(1).max(1000).default(10),
    /** Bonus points on the claim that reaches exactly that many days, keyed by day count. */
    milestones: z
      .record(z.string().regex(/^[1-9][0-9]{0,3}$/, "milestone keys are day counts such as \"7\""), z.number().int().min(0).max(creditBasePointsMax))
      .refine((milestones) => Object.keys(milestones).length <= milestonesMax, `at most ${milestonesMax} milestones`)
      .default(() => ({ "7": 50, "30": 200 })),
  })
  .strict();

export const StreakWarningsSchema = z
  .object({
    /** Local hour after which an unclaimed day puts a streak at risk. */
    atRiskHour: z.number().int().min(0).max(23).default(20),
    atRiskMinStreak: z.number().int().min(1).max(3650).default(3),
    inactiveHours: z.number().int().min(1).max(24 * 365).default(48),
  })
  .strict();

/** What a referrer earns when a referred member's first qualifying action happens, and the second level's share. */
export const ReferralRulesSchema = z
  .object({
    points: z.number().int().min(0).max(creditBasePointsMax),
    secondLevelPercent: z.number().min(0).max(100),
    /** Referral credits per referrer per local day; absent = no cap. Over it a referral is recorded and pays nothing. */
    dailyCap: z.number().int().min(1).max(10_000).optional(),
    /** A venue program pays when the referred member's first posted purchase keeps at least this much (default $10). */
    minSpendCents: z.number().int().min(0).max(100_000_000).optional(),
  })
  .strict();

/** A Tencent Chat group id as the engine names groups: letters, digits and `_@#-`, at most 48 characters. */
export const ChatGroupIdSchema = z
  .string()
  .regex(/^[A-Za-z0-9_@#-]{1,48}$/, "chat group ids are 1-48 letters, digits or _@#-")
  .refine((id) => !amaIdPattern.test(id), "ids shaped like an AMA id (ama_ and 24 hex digits) name that AMA's chat room");

/** An AMA's id, which is also its TRTC room and its chat room (an AVChatRoom). */
export const amaIdPattern = /^ama_[0-9a-f]{24}$/;

const chatGroupsMax = 100;

export const ChatGroupsSchema = z
  .record(z.string().min(1).max(64), ChatGroupIdSchema)
  .refine((groups) => Object.keys(groups).length <= chatGroupsMax, `at most ${chatGroupsMax} chat groups`)
  .refine((groups) => new Set(Object.values(groups)).size === Object.values(groups).length, "each chat group belongs to one gate");

export const CommunityRulesSchema = z
  .object({
    joinBonus: z.number().int().min(0).max(creditBasePointsMax),
    voiceAma: z.object({ points: z.number().int().min(0), minAttendedMinutes: z.number().int().min(0) }).strict(),
    liveEvent: z.object({ points: z.number().int().min(0) }).strict(),
    chat: z
      .object({
        points: z.number().int().min(0),
        minMessages: z.number().int().min(1).max(1_000),
        minSpanHours: z.number().min(0).max(24),
        /** A message shorter than this (characters of its text, trimmed) does not count; absent = 5. */
        minMessageChars: z.number().int().min(1).max(500).optional(),
      })
      .strict(),
    /**
     * The program's Tencent Chat groups: gate name (e.g. `channel:alpha-signals`) → group id. Posting in
     * a group needs its gate (Group.CallbackBeforeSendMsg); messages there count toward chat_activity.
     * Each is a Work group the engine syncs: a member passing the gate is added, one failing it removed.
     * An AMA's chat is the AVChatRoom whose group id is the AMA id, so ids shaped like one are refused.
     * Absent = none.
     */
    chatGroups: ChatGroupsSchema.optional(),
    dailyStreak: DailyStreakRulesSchema,
    referral: ReferralRulesSchema,
    /** Default cooldown per action kind (§4: 1 h). */
    cooldownMinutes: z.number().int().min(0),
    /** Multiplier by number of distinct features used this week: index 0 = 1 feature, last = that many or more. */
    weeklyFeatureMultipliers: z.array(z.number().min(1).max(10)).min(1).max(10),
    decayWarningHours: z.number().int().min(0),
    /** Earnable action kinds; absent in configs stored before issue 16 (then derived from the fields above). */
    actions: z
      .record(ActionKindSchema, CommunityActionSchema)
      .refine((actions) => Object.keys(actions).length <= actionKindsMax, `at most ${actionKindsMax} action kinds`)
      .optional(),
    /** The kinds whose first credit verifies a member (§7a); absent = voice_ama, live_event, chat_activity, governance_vote. */
    qualifyingKinds: z.array(ActionKindSchema).min(1).max(actionKindsMax).optional(),
    /** Absent in configs stored before issue 16 (then inactiveHours = decayWarningHours). */
    streakWarnings: StreakWarningsSchema.optional(),
    /** Named access gates (channels, scheduling an AMA, events, governance): requirement trees; absent = derived from channelsByTier and actionTiers. */
    gates: GatesSchema.optional(),
    /** Chat channels open at each tier (cumulative up the ladder), keyed by tier code. */
    channelsByTier: z.record(z.string(), z.array(z.string().min(1).max(64)).max(50)),
    /** Minimum tier for each gated action. */
    actionTiers: z
      .object({
        scheduleAma: z.string(),
        createLiveEvent: z.string(),
        proposeGovernance: z.string(),
        voteGovernance: z.string(),
      })
      .strict(),
  })
  .strict();

/** A time-boxed earn multiplier (e.g. double points weekend), optionally limited to some venues. */
export const CampaignSchema = z
  .object({
    id: z.string().min(1).max(64),
    multiplier: z.number().min(1).max(10),
    startsAt: z.iso.datetime({ offset: true }),
    endsAt: z.iso.datetime({ offset: true }),
    venueIds: z.array(z.string()).max(100).optional(),
  })
  .strict();

const ProgramConfigBaseSchema = z
  .object({
    kind: z.enum(["venue", "community"]),
    currency: z.string().regex(/^[A-Z]{3}$/, "an ISO 4217 code such as USD"),
    timezone: z.string().min(1),
    tiers: z.array(TierSchema).min(1).max(10),
    earn: EarnRulesSchema,
    expiry: ExpiryPolicySchema,
    requalification: RequalificationSchema,
    campaigns: z.array(CampaignSchema).max(50),
    community: CommunityRulesSchema.optional(),
    /** Referrals in a program without community rules (a venue program pays on the referred member's first posted purchase). */
    referral: ReferralRulesSchema.optional(),
    /** Points become the program's ERC-20 token (issue 23); absent = the program does not settle. */
    settlement: TokenSettlementSchema.optional(),
  })
  .strict();

export const ProgramConfigSchema = ProgramConfigBaseSchema
  .superRefine((config, ctx) => {
    const codes = config.tiers.map((tier) => tier.code);
    if (new Set(codes).size !== codes.length) {
      ctx.addIssue({ code: "custom", path: ["tiers"], message: "tier codes must be unique" });
    }
    config.tiers.forEach((tier, index) => {
      if (index === 0) return;
      const previous = config.tiers[index - 1];
      if (tier.multiplier < previous.multiplier) {
        ctx.addIssue({
          code: "custom",
          path: ["tiers", index, "multiplier"],
          message: `tier ${tier.code} has a lower multiplier than ${previous.code}; the ladder must not go down`,
        });
      }
      if (Object.keys(tier.qualify).length === 0) {
        ctx.addIssue({
          code: "custom",
          path: ["tiers", index, "qualify"],
          message: `tier ${tier.code} needs at least one qualifying threshold`,
        });
      }
    });
    if (config.settlement) {
      const known = knownCreditKinds(config);
      // Configs from before issue 16 derive their action kinds from legacy fields: their kinds are not listed to check.
      if (known) {
        config.settlement.kinds.forEach((kind, index) => {
          if (!known.includes(kind)) {
            ctx.addIssue({ code: "custom", path: ["settlement", "kinds", index], message: `unknown credit kind ${kind}; points that settle come from ${known.join(", ")}` });
          }
        });
      }
    }
    if (config.community) {
      for (const [kind, action] of Object.entries(config.community.actions ?? {})) {
        if (!reservedActionKinds.includes(kind)) continue;
        if ((action.cooldownMinutes ?? 0) > 0 || (action.dailyCap ?? null) !== null) {
          ctx.addIssue({ code: "custom", path: ["community", "actions", kind], message: `${kind} is paid once by its own path and takes no cooldown or dailyCap (referrals: referral.dailyCap)` });
        }
      }
      for (const kind of config.community.qualifyingKinds ?? []) {
        if (reservedActionKinds.includes(kind)) ctx.addIssue({ code: "custom", path: ["community", "qualifyingKinds"], message: `${kind} takes no human effort and cannot verify a member` });
      }
      const worst = worstCreditPoints(config);
      if (worst > creditPointsMax) {
        ctx.addIssue({ code: "custom", path: ["community"], message: `a credit could reach ${worst} points (largest base × top tier multiplier × top weekly multiplier); at most ${creditPointsMax} is allowed` });
      }
      for (const [name, requirement] of Object.entries(config.community.gates ?? {})) {
        for (const tierCode of gateTierCodes(requirement)) {
          if (!codes.includes(tierCode)) ctx.addIssue({ code: "custom", path: ["community", "gates", name], message: `unknown tier ${tierCode}; expected one of ${codes.join(", ")}` });
        }
      }
      const gateNames = Object.keys(gatesOf(config as ProgramConfig));
      for (const gate of Object.keys(config.community.chatGroups ?? {})) {
        if (!gateNames.includes(gate)) ctx.addIssue({ code: "custom", path: ["community", "chatGroups", gate], message: `unknown gate ${gate}; a chat group opens by one of the program's gates (${gateNames.slice(0, 5).join(", ")}, …)` });
      }
      for (const [action, tierCode] of Object.entries(config.community.actionTiers)) {
        if (!codes.includes(tierCode)) {
          ctx.addIssue({
            code: "custom",
            path: ["community", "actionTiers", action],
            message: `unknown tier ${tierCode}; expected one of ${codes.join(", ")}`,
          });
        }
      }
    }
  })
  .openapi("ProgramConfig");

/** The credit kinds a lot can record: venue purchases, operator adjustments, reserved paths and the program's actions (null: not listed). */
function knownCreditKinds(config: z.infer<typeof ProgramConfigBaseSchema>): string[] | null {
  if (config.community && !config.community.actions) return null;
  return [...new Set(["purchase", "adjustment", ...reservedActionKinds, ...Object.keys(config.community?.actions ?? {})])];
}

/** The largest credit the community rules allow: the largest base (an action, the streak at its cap plus a milestone) at the top multipliers. */
function worstCreditPoints(config: z.infer<typeof ProgramConfigBaseSchema>): number {
  const community = config.community!;
  const streak = Math.floor((community.dailyStreak.points * community.dailyStreak.capDays) / community.dailyStreak.divisor) + Math.max(0, ...Object.values(community.dailyStreak.milestones));
  const bases = [community.joinBonus, community.referral.points, streak, ...Object.values(community.actions ?? {}).map((action) => action.points)];
  const tier = Math.max(...config.tiers.map((rung) => rung.multiplier));
  return Math.max(...bases) * tier * Math.max(...community.weeklyFeatureMultipliers);
}

export type ProgramConfig = z.infer<typeof ProgramConfigSchema>;
export type Tier = z.infer<typeof TierSchema>;
export type Campaign = z.infer<typeof CampaignSchema>;
export type CommunityRules = z.infer<typeof CommunityRulesSchema>;
export type CommunityAction = z.infer<typeof CommunityActionSchema>;
export type CommunityFeature = z.infer<typeof CommunityFeatureSchema>;
export type StreakWarnings = z.infer<typeof StreakWarningsSchema>;
