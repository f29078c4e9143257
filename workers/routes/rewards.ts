import { OpenAPIHono, createRoute, z } from "@hono/zod-openapi";
import { asc, eq } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { rewards } from "../../db/schema";
import { RewardRulesSchema, rewardTypes, unrestricted } from "../../domain/rewards/reward-rules";
import type { AppEnv } from "../app-env";
import { assertProgramAccess } from "../auth/principal";
import { randomToken } from "../auth/crypto";
import { requireAuth } from "../auth/require-auth";
import { ApiError } from "../errors/api-error";
import { errorResponses } from "../errors/error-schemas";
import { defaultHook } from "../errors/handlers";
import { IdempotencyKeyHeaderSchema } from "../idempotency/idempotency-key";
import { runOperatorWrite } from "../idempotency/operator-idempotency";
import { programVenues } from "../ledger/contexts";
import { findProgram } from "../programs/program-directory";
import { findReward, forgetReward, rewardRules } from "../rewards/reward-catalog";
import { catalogForMember } from "../rewards/member-catalog";
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


export const EligibilitySchema = z
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
  const rewards = await catalogForMember(c.env, c.get("principal"), query.memberId, query);
  return c.json({ memberId: query.memberId, rewards }, 200);
});
