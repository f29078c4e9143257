import { OpenAPIHono, createRoute, z } from "@hono/zod-openapi";
import type { AppEnv } from "../app-env";
import { requireMember } from "../auth/require-member";
import { errorResponses } from "../errors/error-schemas";
import { defaultHook } from "../errors/handlers";
import { requireIdempotencyKey } from "../idempotency/idempotency-key";
import { ApiError } from "../errors/api-error";
import { callActor } from "../ledger/call-actor";
import { actorReply } from "../ledger/contexts";
import { catalogForMember } from "../rewards/member-catalog";
import { redeemForPrincipal } from "../rewards/redeem-flow";
import { memberSecurity } from "../schemas/common";
import { RequiredKeyHeaderSchema } from "../schemas/ledger";
import { signedInMember } from "./me";
import { RedemptionSchema } from "./redemptions";
import { EligibilitySchema } from "./rewards";

const myCatalog = createRoute({
  operationId: "myCatalog",
  method: "get",
  path: "/rewards",
  tags: ["Me"],
  summary: "The catalog with each reward's eligibility for the signed-in member, and the reason when not",
  security: memberSecurity,
  middleware: [requireMember()] as const,
  request: { query: z.object({ venueId: z.string().max(64).optional().openapi({ description: "Where the member would redeem" }) }) },
  responses: { 200: { description: "Rewards with eligibility", content: { "application/json": { schema: z.object({ memberId: z.string(), rewards: z.array(EligibilitySchema) }) } } }, ...errorResponses(401, 404, 422) },
});

const myRedemption = createRoute({
  operationId: "redeemForMe",
  method: "post",
  path: "/redemptions",
  tags: ["Me"],
  summary: "Redeem a reward as the signed-in member: the answer carries the single-use code to show at the venue",
  security: memberSecurity,
  middleware: [requireMember()] as const,
  request: {
    headers: RequiredKeyHeaderSchema,
    body: { required: true, content: { "application/json": { schema: z.object({ rewardId: z.string().min(1).max(64), venueId: z.string().max(64).optional() }).strict().openapi("RedeemForMe") } } },
  },
  responses: { 201: { description: "Issued", content: { "application/json": { schema: RedemptionSchema } } }, ...errorResponses(400, 401, 403, 404, 409, 413, 422, 429) },
});

export const MyRedemptionSchema = z
  .object({
    id: z.string(),
    rewardId: z.string(),
    code: z.string(),
    venueId: z.string().nullable(),
    points: z.number().int(),
    status: z.enum(["issued", "consumed", "cancelled"]),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi("MyRedemption");

const myRedemptions = createRoute({
  operationId: "myRedemptions",
  method: "get",
  path: "/redemptions",
  tags: ["Me"],
  summary: "The signed-in member's latest redemptions, newest first, with their codes and whether each was used",
  security: memberSecurity,
  middleware: [requireMember()] as const,
  request: { query: z.object({ limit: z.coerce.number().int().min(1).max(50).default(20) }) },
  responses: { 200: { description: "Redemptions", content: { "application/json": { schema: z.object({ redemptions: z.array(MyRedemptionSchema) }) } } }, ...errorResponses(401, 422) },
});

export const meRewardRoutes = new OpenAPIHono<AppEnv>({ defaultHook });

meRewardRoutes.openapi(myCatalog, async (c) => {
  const member = signedInMember(c.get("principal"));
  const rewards = await catalogForMember(c.env, c.get("principal"), member.memberId, c.req.valid("query"));
  return c.json({ memberId: member.memberId, rewards }, 200);
});

meRewardRoutes.openapi(myRedemptions, async (c) => {
  const member = signedInMember(c.get("principal"));
  const redemptions = await callActor(c.env.MEMBER, member.memberId, (actor) => actor.redemptions(c.req.valid("query").limit));
  if (!redemptions) throw new ApiError(401, "session_expired", "This member no longer exists; sign in again");
  return c.json({ redemptions: redemptions as z.infer<typeof MyRedemptionSchema>[] }, 200);
});

meRewardRoutes.openapi(myRedemption, async (c) => {
  const member = signedInMember(c.get("principal"));
  const body = c.req.valid("json");
  const reply = await redeemForPrincipal(c.env, c.executionCtx, c.get("principal"), { memberId: member.memberId, ...body }, requireIdempotencyKey(c), false);
  return c.json(actorReply<z.infer<typeof RedemptionSchema>>(c, reply), 201);
});
