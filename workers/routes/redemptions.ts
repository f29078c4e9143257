import { OpenAPIHono, createRoute, z } from "@hono/zod-openapi";
import { memberRpcVersion } from "../../durable-objects/member/rpc-types";
import type { AppEnv } from "../app-env";
import { callActor } from "../ledger/call-actor";
import { requireAuth } from "../auth/require-auth";
import { errorResponses } from "../errors/error-schemas";
import { defaultHook } from "../errors/handlers";
import { requireIdempotencyKey } from "../idempotency/idempotency-key";
import { actorReply, programContext } from "../ledger/contexts";
import { findCode } from "../rewards/redemption-codes";
import { redeemForPrincipal } from "../rewards/redeem-flow";
import { DryRunQuerySchema, MemberIdSchema, RequiredKeyHeaderSchema } from "../schemas/ledger";
import { operatorOrVenueSecurity } from "../schemas/common";

const RedeemSchema = z
  .object({
    memberId: MemberIdSchema,
    rewardId: z.string().min(1).max(64),
    purchaseCents: z.number().int().min(0).max(10_000_000).optional().openapi({ description: "The purchase the reward applies to (for minimum-purchase rules)" }),
    venueId: z.string().max(64).optional().openapi({ description: "Where it is redeemed; implied by a venue key, optional for the operator" }),
  })
  .strict()
  .openapi("Redeem");

export const RedemptionSchema = z
  .object({
    redemptionId: z.string(),
    code: z.string().openapi({ description: "Single-use code the venue consumes: 7 characters and a check character, Crockford base32", example: "K7QZ-3M9D" }),
    rewardId: z.string(),
    memberId: z.string(),
    venueId: z.string().nullable(),
    status: z.enum(["issued", "consumed", "cancelled"]),
    pointsSpent: z.number().int(),
    balance: z.number().int(),
    settlements: z.array(
      z.object({ earningVenueId: z.string(), redeemingVenueId: z.string(), points: z.number().int(), valueCents: z.number().int(), feeCents: z.number().int() }),
    ),
  })
  .openapi("Redemption");

const CodeParams = z.object({ code: z.string().min(4).max(32).openapi({ param: { name: "code", in: "path" }, example: "K7QZ-3M9D" }) });
const CodeQuery = z.object({ programId: z.string().max(64).optional().openapi({ description: "The code's program (operator only; a venue key implies its own)" }) });

const redeem = createRoute({
  operationId: "redeem",
  method: "post",
  path: "/",
  tags: ["Redemptions"],
  summary: "Redeem a reward: checks every rule, spends points FIFO by expiry, returns a single-use code",
  description:
    "422 codes: insufficient_points, tier_restricted, out_of_stock, outside_window, day_restricted, daily_cap_reached, member_cap_reached, min_purchase_not_met, cross_venue_not_allowed, cross_venue_cap_exceeded. 409 hold_lapsed: the stock unit held for this request lapsed before the member's ledger answered; send it again with a new key.",
  security: operatorOrVenueSecurity,
  middleware: [requireAuth({ operator: true, venue: true })] as const,
  request: { headers: RequiredKeyHeaderSchema, query: DryRunQuerySchema, body: { required: true, content: { "application/json": { schema: RedeemSchema } } } },
  responses: { 201: { description: "Issued", content: { "application/json": { schema: RedemptionSchema } } }, ...errorResponses(400, 401, 403, 404, 409, 413, 422, 429) },
});

const consume = createRoute({
  operationId: "consumeRedemption",
  method: "post",
  path: "/{code}/consume",
  tags: ["Redemptions"],
  summary: "The venue hands over the reward; the code is used up (repeating answers the same)",
  security: operatorOrVenueSecurity,
  middleware: [requireAuth({ operator: true, venue: true })] as const,
  request: { params: CodeParams, query: CodeQuery },
  responses: { 200: { description: "Consumed", content: { "application/json": { schema: RedemptionSchema } } }, ...errorResponses(401, 403, 404, 409) },
});

const cancel = createRoute({
  operationId: "cancelRedemption",
  method: "post",
  path: "/{code}/cancel",
  tags: ["Redemptions"],
  summary: "Cancel an unused code: the points return (with their original expiry) and the unit returns to stock",
  security: operatorOrVenueSecurity,
  middleware: [requireAuth({ operator: true, venue: true })] as const,
  request: { params: CodeParams, query: CodeQuery },
  responses: { 200: { description: "Cancelled", content: { "application/json": { schema: RedemptionSchema } } }, ...errorResponses(401, 403, 404, 409) },
});

export const redemptionRoutes = new OpenAPIHono<AppEnv>({ defaultHook });

redemptionRoutes.openapi(redeem, async (c) => {
  const body = c.req.valid("json");
  const dryRun = c.req.valid("query").dryRun === "true";
  const reply = await redeemForPrincipal(c.env, c.executionCtx, c.get("principal"), body, requireIdempotencyKey(c), dryRun);
  return c.json(actorReply<z.infer<typeof RedemptionSchema>>(c, reply), 201);
});

function codeScope(principal: AppEnv["Variables"]["principal"], programId: string | undefined) {
  return principal.kind === "venue" ? principal.programId : programId;
}

redemptionRoutes.openapi(consume, async (c) => {
  const principal = c.get("principal");
  const found = await findCode(c.env.DB, c.req.valid("param").code, codeScope(principal, c.req.valid("query").programId));
  const program = await programContext(c.env.DB, found.programId);
  const reply = await callActor(c.env.MEMBER, found.memberId, (member) => member.consumeRedemption({
    v: memberRpcVersion,
    program,
    redemptionId: found.redemptionId,
    venueId: principal.kind === "venue" ? principal.venueId : null,
    code: found.code,
  }));
  return c.json(actorReply<z.infer<typeof RedemptionSchema>>(c, reply), 200);
});

redemptionRoutes.openapi(cancel, async (c) => {
  const principal = c.get("principal");
  const found = await findCode(c.env.DB, c.req.valid("param").code, codeScope(principal, c.req.valid("query").programId));
  const program = await programContext(c.env.DB, found.programId);
  // The Member returns the unit to stock itself (a durable follow-up it retries until it lands).
  const reply = await callActor(c.env.MEMBER, found.memberId, (member) => member.cancelRedemption({
    v: memberRpcVersion,
    program,
    redemptionId: found.redemptionId,
    venueId: principal.kind === "venue" ? principal.venueId : null,
    code: found.code,
  }));
  return c.json(actorReply<z.infer<typeof RedemptionSchema>>(c, reply), 200);
});
