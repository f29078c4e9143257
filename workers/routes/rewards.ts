import { OpenAPIHono, createRoute, z } from "@hono/zod-openapi";
import { and, asc, eq, inArray } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { rewardStockLevels, rewards } from "../../db/schema";
import { RewardRulesSchema, rewardTypes, unrestricted } from "../../domain/rewards/reward-rules";
import { dayIn } from "../../domain/time/calendar";
import { memberRpcVersion } from "../../durable-objects/member/rpc-types";
import type { AppEnv } from "../app-env";
import { callActor } from "../ledger/call-actor";
import { assertMemberAccess, assertProgramAccess } from "../auth/principal";
import { randomToken } from "../auth/crypto";
import { requireAuth } from "../auth/require-auth";
import { ApiError } from "../errors/api-error";
import { errorResponses } from "../errors/error-schemas";
import { defaultHook } from "../errors/handlers";
import { IdempotencyKeyHeaderSchema } from "../idempotency/idempotency-key";
import { runOperatorWrite } from "../idempotency/operator-idempotency";
import { programContext, programVenues } from "../ledger/contexts";
import { requireMemberId } from "../members/member-id";
import { findProgram } from "../programs/program-directory";
import { findReward, forgetReward, isStocked, rewardRules } from "../rewards/reward-catalog";
import { operatorOrVenueSecurity, operatorSecurity, IdParamsSchema } from "../schemas/common";

const RewardSchema = RewardRulesSchema.extend({ createdAt: z.string() }).openapi("Reward");

const rewardFields = {
  name: z.string().trim().min(1).max(120),
  type: z.enum(rewardTypes),
  pointsCost: z.number().int().positive().max(10_000_000),
  value: z.number().min(0).max(10_000_000).nullable().openapi({ description: "Percent for percent_off, cents for amount_off; null otherwise" }),
  venueId: z.string().max(64).nullable().openapi({ description: "Offered at this venue only; null = every venue" }),
  inventory: z.number().int().min(0).nullable().openapi({ description: "Units available in all; null = unlimited" }),
  tiers: z.array(z.string().min(1).max(32)).min(1).max(10).nullable(),
  daysOfWeek: z.array(z.number().int().min(0).max(6)).min(1).max(7).nullable(),
  validFrom: z.iso.datetime({ offset: true }).nullable(),
  validTo: z.iso.datetime({ offset: true }).nullable(),
  perDayCap: z.number().int().positive().nullable().openapi({ description: "Redemptions per day across all members" }),
  perMemberCap: z.number().int().positive().nullable(),
  minPurchaseCents: z.number().int().positive().nullable(),
  active: z.boolean(),
};
const CreateRewardSchema = z
  .object(rewardFields)
  .partial()
  .required({ name: true, type: true, pointsCost: true })
  .strict()
  .openapi("CreateReward");
const UpdateRewardSchema = z.object(rewardFields).partial().strict().openapi("UpdateReward");


const EligibilitySchema = z
  .object({
    reward: RewardSchema,
    eligible: z.boolean(),
    reason: z.object({ code: z.string(), message: z.string() }).nullable().openapi({ description: "Why not, with the same code a redemption would answer" }),
    remaining: z.number().int().nullable().openapi({ description: "Units left; null = unlimited" }),
  })
  .openapi("RewardEligibility");

const createReward = createRoute({
  operationId: "createReward",
  method: "post",
  path: "/programs/{id}/rewards",
  tags: ["Rewards"],
  summary: "Add a reward to the catalog",
  security: operatorSecurity,
  middleware: [requireAuth({ operator: true })] as const,
  request: { params: IdParamsSchema, headers: IdempotencyKeyHeaderSchema, body: { required: true, content: { "application/json": { schema: CreateRewardSchema } } } },
  responses: { 201: { description: "Created", content: { "application/json": { schema: RewardSchema } } }, ...errorResponses(400, 401, 403, 404, 413, 422) },
});

const listProgramRewards = createRoute({
  operationId: "listProgramRewards",
  method: "get",
  path: "/programs/{id}/rewards",
  tags: ["Rewards"],
  summary: "The program's catalog",
  security: operatorOrVenueSecurity,
  middleware: [requireAuth({ operator: true, venue: true })] as const,
  request: { params: IdParamsSchema },
  responses: { 200: { description: "Rewards", content: { "application/json": { schema: z.object({ rewards: z.array(RewardSchema) }) } } }, ...errorResponses(401, 403, 404) },
});

const updateReward = createRoute({
  operationId: "updateReward",
  method: "patch",
  path: "/rewards/{id}",
  tags: ["Rewards"],
  summary: "Change a reward (set active=false to withdraw it)",
  security: operatorSecurity,
  middleware: [requireAuth({ operator: true })] as const,
  request: { params: IdParamsSchema, body: { required: true, content: { "application/json": { schema: UpdateRewardSchema } } } },
  responses: { 200: { description: "Updated", content: { "application/json": { schema: RewardSchema } } }, ...errorResponses(400, 401, 403, 404, 413, 422) },
});

const withdrawReward = createRoute({
  operationId: "withdrawReward",
  method: "delete",
  path: "/rewards/{id}",
  tags: ["Rewards"],
  summary: "Withdraw a reward (kept for the redemptions that name it; no longer redeemable)",
  security: operatorSecurity,
  middleware: [requireAuth({ operator: true })] as const,
  request: { params: IdParamsSchema },
  responses: { 200: { description: "Withdrawn", content: { "application/json": { schema: RewardSchema } } }, ...errorResponses(401, 403, 404) },
});

const memberCatalog = createRoute({
  operationId: "memberCatalog",
  method: "get",
  path: "/rewards",
  tags: ["Rewards"],
  summary: "The catalog with each reward's eligibility for one member",
  security: operatorOrVenueSecurity,
  middleware: [requireAuth({ operator: true, venue: true })] as const,
  request: {
    query: z.object({
      memberId: z.string().min(1).max(64),
      venueId: z.string().max(64).optional().openapi({ description: "Where the member would redeem (defaults to the venue of the key)" }),
      purchaseCents: z.coerce.number().int().min(0).optional(),
    }),
  },
  responses: { 200: { description: "Rewards with eligibility", content: { "application/json": { schema: z.object({ memberId: z.string(), rewards: z.array(EligibilitySchema) }) } } }, ...errorResponses(401, 403, 404, 422) },
});

export const rewardRoutes = new OpenAPIHono<AppEnv>({ defaultHook });

async function validateVenue(db: D1Database, programId: string, venueId: string | null | undefined) {
  if (!venueId) return;
  if (!(await programVenues(db, programId)).some((venue) => venue.id === venueId)) {
    throw new ApiError(422, "validation_failed", `venueId ${venueId} is not a venue of this program`, { fields: [{ path: "venueId", message: "unknown venue" }] });
  }
}

function validateTiers(config: { tiers: { code: string }[] }, tiers: string[] | null | undefined) {
  const unknown = (tiers ?? []).filter((tier) => !config.tiers.some((candidate) => candidate.code === tier));
  if (unknown.length > 0) throw new ApiError(422, "validation_failed", `Unknown tier(s) ${unknown.join(", ")}`, { fields: [{ path: "tiers", message: "unknown tier" }] });
}

rewardRoutes.openapi(createReward, async (c) => {
  const { id: programId } = c.req.valid("param");
  const body = c.req.valid("json");
  const reward = await runOperatorWrite(c, "create_reward", body, async () => {
    const program = await findProgram(c.env.DB, programId);
    validateTiers(program.config, body.tiers);
    await validateVenue(c.env.DB, programId, body.venueId);
    const row = {
      id: `rwd_${randomToken(20)}`,
      programId,
      ...unrestricted,
      ...body,
      createdAt: new Date().toISOString(),
    };
    return { body: row, writes: [drizzle(c.env.DB).insert(rewards).values(row)] };
  });
  return c.json(reward, 201);
});

rewardRoutes.openapi(listProgramRewards, async (c) => {
  const { id: programId } = c.req.valid("param");
  assertProgramAccess(c.get("principal"), programId);
  await findProgram(c.env.DB, programId);
  const rows = await drizzle(c.env.DB).select().from(rewards).where(eq(rewards.programId, programId)).orderBy(asc(rewards.createdAt));
  return c.json({ rewards: rows.map((row) => ({ ...rewardRules(row), createdAt: row.createdAt })) }, 200);
});

rewardRoutes.openapi(updateReward, async (c) => {
  const { id } = c.req.valid("param");
  const changes = c.req.valid("json");
  const existing = await findReward(c.env.DB, id);
  const program = await findProgram(c.env.DB, existing.programId);
  validateTiers(program.config, changes.tiers);
  await validateVenue(c.env.DB, existing.programId, changes.venueId);
  if (Object.keys(changes).length > 0) await drizzle(c.env.DB).update(rewards).set(changes).where(eq(rewards.id, id));
  forgetReward(id);
  const row = await findReward(c.env.DB, id);
  return c.json({ ...rewardRules(row), createdAt: row.createdAt }, 200);
});

rewardRoutes.openapi(withdrawReward, async (c) => {
  const { id } = c.req.valid("param");
  await findReward(c.env.DB, id);
  await drizzle(c.env.DB).update(rewards).set({ active: false }).where(eq(rewards.id, id));
  forgetReward(id);
  const row = await findReward(c.env.DB, id);
  return c.json({ ...rewardRules(row), createdAt: row.createdAt }, 200);
});

rewardRoutes.openapi(memberCatalog, async (c) => {
  const query = c.req.valid("query");
  const principal = c.get("principal");
  requireMemberId(query.memberId);
  const profile = await callActor(c.env.MEMBER, query.memberId, (member) => member.profile());
  if (profile.status === 404) throw new ApiError(404, "member_not_found", `No member ${query.memberId}`);
  const programId = profile.body.programId;
  assertMemberAccess(principal, programId, query.memberId);
  const [program, venues, rows] = await Promise.all([
    programContext(c.env.DB, programId),
    programVenues(c.env.DB, programId),
    drizzle(c.env.DB).select().from(rewards).where(and(eq(rewards.programId, programId), eq(rewards.active, true))).orderBy(asc(rewards.createdAt)).limit(200),
  ]);
  const venueId = query.venueId ?? (principal.kind === "venue" ? principal.venueId : undefined);
  const redeemingVenue = venueId ? (venues.find((venue) => venue.id === venueId) ?? null) : null;
  if (venueId && !redeemingVenue) throw new ApiError(404, "venue_not_found", `No venue ${venueId} in this program`);
  const catalog = rows.map(rewardRules);
  const memberSide = await callActor(c.env.MEMBER, query.memberId, (member) => member.eligibility({
    v: memberRpcVersion,
    program,
    rewards: catalog,
    redeemingVenue,
    nonCoalitionVenueIds: venues.filter((venue) => !venue.participatesInCoalition).map((venue) => venue.id),
    purchaseCents: query.purchaseCents ?? null,
  }));
  const today = dayIn(redeemingVenue?.timezone ?? program.config.timezone, new Date()).date;
  // Stock levels come from the read side in one query, not one actor call per reward: the catalog
  // is advice, and a redemption still asks the reward's stock itself.
  const stockedIds = catalog.filter(isStocked).map((reward) => reward.id);
  const levels = stockedIds.length === 0 ? [] : await drizzle(c.env.DB).select().from(rewardStockLevels).where(inArray(rewardStockLevels.rewardId, stockedIds));
  const levelOf = new Map(levels.map((level) => [level.rewardId, level]));
  const result = catalog.map((reward, index) => {
    const level = levelOf.get(reward.id);
    const remaining = reward.inventory === null ? null : Math.max(0, reward.inventory - (level?.claimed ?? 0));
    const claimedToday = level?.days.find((entry) => entry.day === today)?.claimed ?? 0;
    const stockReason =
      remaining === 0
        ? { code: "out_of_stock", message: "This reward is out of stock" }
        : reward.perDayCap !== null && claimedToday >= reward.perDayCap
          ? { code: "daily_cap_reached", message: `This reward can be redeemed ${reward.perDayCap} time(s) a day` }
          : null;
    const reason = memberSide?.[index].reason ?? stockReason;
    return { reward: { ...reward, createdAt: rows[index].createdAt }, eligible: reason === null, reason, remaining };
  });
  return c.json({ memberId: query.memberId, rewards: result }, 200);
});
