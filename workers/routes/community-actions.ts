import { OpenAPIHono, createRoute, z } from "@hono/zod-openapi";
import { ActionKindSchema } from "../../domain/programs/program-config";
import type { AppEnv } from "../app-env";
import { requireAuth } from "../auth/require-auth";
import { requireMember } from "../auth/require-member";
import { claimStreak, creditAction } from "../community/community-calls";
import { ApiError } from "../errors/api-error";
import { errorResponses } from "../errors/error-schemas";
import { defaultHook } from "../errors/handlers";
import { readIdempotencyKey, requireIdempotencyKey } from "../idempotency/idempotency-key";
import { callActor } from "../ledger/call-actor";
import { actorReply } from "../ledger/contexts";
import { requireMemberId } from "../members/member-id";
import { IdParamsSchema, memberSecurity, operatorSecurity } from "../schemas/common";
import { RequiredKeyHeaderSchema } from "../schemas/ledger";
import { signedInMember } from "./me";

const ActionSchema = z
  .object({
    kind: ActionKindSchema.openapi({ description: "An action kind of the program's config (join, voice_ama, live_event, chat_activity, referral, governance_vote, or an operator's own)", example: "attended_meetup" }),
    sourceId: z.string().trim().min(1).max(128).openapi({ description: "What the action was: the AMA id, the event id, the chat day… The same source never pays twice", example: "meetup-2026-11-27" }),
    occurredAt: z.iso.datetime({ offset: true }).optional().openapi({ description: "When it happened (default now): at most 7 days ago, at most 5 minutes ahead" }),
  })
  .strict()
  .openapi("CommunityAction");

const BreakdownSchema = z.array(z.object({ factor: z.enum(["base", "tier", "weekly"]), value: z.number() }));

export const ActionResultSchema = z
  .object({
    memberId: z.string(),
    kind: z.string(),
    sourceId: z.string(),
    points: z.number().int().openapi({ description: "floor(base × tier multiplier × weekly cross-feature multiplier)" }),
    breakdown: BreakdownSchema,
    features: z.array(z.enum(["voice", "chat", "events", "streak"])).openapi({ description: "The features active in the member's current ISO week (1 → 1×, 2 → 1.5×, 3 → 2×, 4 → 3×)" }),
    repaidDebt: z.number().int(),
    balance: z.number().int(),
    tier: z.string(),
    verified: z.literal(true).optional().openapi({ description: "This credit was the member's first qualifying action (§7a): the points held until now posted with it" }),
    pending: z
      .object({ code: z.literal("unverified_member"), message: z.string() })
      .optional()
      .openapi({ description: "The member is not verified yet: these points are held as pending (not spendable, not counted toward tiers) until a qualifying action" }),
  })
  .openapi("ActionResult");

const ReferralPayoutSchema = z
  .object({
    referrerId: z.string(),
    referredMemberId: z.string(),
    level: z.union([z.literal(1), z.literal(2)]),
    action: z.enum(["pay", "reverse", "pending"]),
    owedAt: z.string(),
    parked: z
      .object({ code: z.string().nullable(), message: z.string().nullable(), at: z.string() })
      .nullable()
      .openapi({ description: "The referrer's actor refused it (a refusal a retry cannot change): kept here for an operator, never dropped" }),
  })
  .openapi("ReferralPayout");

const referralPayouts = createRoute({
  operationId: "memberReferralPayouts",
  method: "get",
  path: "/{id}/referral-payouts",
  tags: ["Community"],
  summary: "Referral payouts (and reversals) the member still owes its referrers, and those parked with the refusal (operator)",
  security: operatorSecurity,
  middleware: [requireAuth({ operator: true })] as const,
  request: { params: IdParamsSchema },
  responses: {
    200: { description: "Owed and parked referral messages, oldest first (up to 200)", content: { "application/json": { schema: z.object({ payouts: z.array(ReferralPayoutSchema) }) } } },
    ...errorResponses(401, 403, 404),
  },
});

const StreakResultSchema = ActionResultSchema.extend({
  streak: z.object({ current: z.number().int(), longest: z.number().int(), day: z.string(), milestoneBonus: z.number().int(), nextClaimAt: z.string() }),
}).openapi("StreakClaimResult");

const rejections = "Rejections: 422 unknown_action, cooldown_active (with retryAfterSeconds), daily_cap_reached, reserved_action (join, daily_streak and referrals have their own paths); 404 not_a_member.";

const recordAction = createRoute({
  operationId: "recordCommunityAction",
  method: "post",
  path: "/{id}/actions",
  tags: ["Community"],
  summary: "Credit a community action (custom actions and integrations): once per source, with cooldown, daily cap and multipliers",
  description: `A replay (the same key, or the same kind and sourceId under any key) answers the first result. ${rejections}`,
  security: operatorSecurity,
  middleware: [requireAuth({ operator: true })] as const,
  request: { params: IdParamsSchema, headers: RequiredKeyHeaderSchema, body: { required: true, content: { "application/json": { schema: ActionSchema } } } },
  responses: { 201: { description: "Credited", content: { "application/json": { schema: ActionResultSchema } } }, ...errorResponses(400, 401, 403, 404, 413, 422) },
});

const streakDescription = "Once per calendar day in the member's time zone (daylight-saving safe). Reward: dailyStreakPoints × min(streak, 30) / 10 plus milestone bonuses, through the same multipliers. 409 streak_already_claimed carries nextClaimAt.";

const operatorStreakClaim = createRoute({
  operationId: "claimStreakForMember",
  method: "post",
  path: "/{id}/streak/claim",
  tags: ["Community"],
  summary: "Claim a member's daily streak (operator)",
  description: streakDescription,
  security: operatorSecurity,
  middleware: [requireAuth({ operator: true })] as const,
  request: { params: IdParamsSchema },
  responses: { 201: { description: "Claimed", content: { "application/json": { schema: StreakResultSchema } } }, ...errorResponses(400, 401, 403, 404, 409, 422) },
});

const myStreakClaim = createRoute({
  operationId: "claimMyStreak",
  method: "post",
  path: "/streak/claim",
  tags: ["Me"],
  summary: "Claim my daily streak",
  description: streakDescription,
  security: memberSecurity,
  middleware: [requireMember()] as const,
  responses: { 201: { description: "Claimed", content: { "application/json": { schema: StreakResultSchema } } }, ...errorResponses(401, 403, 404, 409, 422) },
});

/** Mounted under /v1/members. */
export const communityActionRoutes = new OpenAPIHono<AppEnv>({ defaultHook });

communityActionRoutes.openapi(recordAction, async (c) => {
  const reply = await creditAction(c.env, c.req.valid("param").id, c.req.valid("json"), requireIdempotencyKey(c));
  return c.json(actorReply<z.infer<typeof ActionResultSchema>>(c, reply), 201);
});

communityActionRoutes.openapi(operatorStreakClaim, async (c) => {
  const reply = await claimStreak(c.env, c.req.valid("param").id, readIdempotencyKey(c));
  return c.json(actorReply<z.infer<typeof StreakResultSchema>>(c, reply), 201);
});

/** Mounted under /v1/me. */
export const myStreakRoutes = new OpenAPIHono<AppEnv>({ defaultHook });

myStreakRoutes.openapi(myStreakClaim, async (c) => {
  const member = signedInMember(c.get("principal"));
  const reply = await claimStreak(c.env, member.memberId, undefined);
  return c.json(actorReply<z.infer<typeof StreakResultSchema>>(c, reply), 201);
});

communityActionRoutes.openapi(referralPayouts, async (c) => {
  const { id } = c.req.valid("param");
  const payouts = await callActor(c.env.MEMBER, requireMemberId(id), (member) => member.referralPayouts());
  if (!payouts) throw new ApiError(404, "member_not_found", `No member ${id}`);
  return c.json({ payouts }, 200);
});
