import { OpenAPIHono, createRoute, z } from "@hono/zod-openapi";
import { redemptionIdFor } from "../../domain/ids/derived-ids";
import { codeCandidate } from "../../domain/rewards/redemption-code";
import { dayIn } from "../../domain/time/calendar";
import { memberRpcVersion } from "../../durable-objects/member/rpc-types";
import { type ReserveCommand, stockRpcVersion } from "../../durable-objects/reward-stock/stock-rpc";
import type { AppEnv } from "../app-env";
import { callActor } from "../ledger/call-actor";
import { assertProgramAccess } from "../auth/principal";
import { requireAuth } from "../auth/require-auth";
import { ApiError } from "../errors/api-error";
import { errorResponses } from "../errors/error-schemas";
import { defaultHook } from "../errors/handlers";
import { requireIdempotencyKey } from "../idempotency/idempotency-key";
import { requestHash } from "../idempotency/request-hash";
import { actorReply, programContext, programVenues } from "../ledger/contexts";
import { requireMemberId } from "../members/member-id";
import { findReward, isStocked, rewardRules } from "../rewards/reward-catalog";
import { findCode, forgetCode, registerCode } from "../rewards/redemption-codes";
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

const RedemptionSchema = z
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
  const principal = c.get("principal");
  const key = requireIdempotencyKey(c);
  const dryRun = c.req.valid("query").dryRun === "true";
  requireMemberId(body.memberId);
  const rewardRow = await findReward(c.env.DB, body.rewardId);
  assertProgramAccess(principal, rewardRow.programId);
  const [program, venues] = await Promise.all([programContext(c.env.DB, rewardRow.programId), programVenues(c.env.DB, rewardRow.programId)]);
  const redemptionId = redemptionIdFor(body.memberId, key);
  const venueId = principal.kind === "venue" ? principal.venueId : body.venueId;
  const redeemingVenue = venueId ? (venues.find((venue) => venue.id === venueId) ?? null) : null;
  if (venueId && !redeemingVenue) throw new ApiError(404, "venue_not_found", `No venue ${venueId} in this program`);
  const reward = rewardRules(rewardRow);

  // The stock (inventory, per-day cap) is held first in the one place that serialises it, so a
  // sold-out answer costs one actor call. The unit then follows what the Member durably says.
  const stocked = isStocked(reward);
  let holdToken: string | null = null;
  let unitReturned = false;
  if (stocked) {
    const day = dayIn(redeemingVenue?.timezone ?? program.config.timezone, new Date()).date;
    const hold: ReserveCommand = { v: stockRpcVersion, rewardId: reward.id, holdId: redemptionId, memberId: body.memberId, inventory: reward.inventory, perDayCap: reward.perDayCap, day, dryRun };
    const held = await callActor(c.env.REWARD_STOCK, reward.id, (stock) => stock.reserve(hold));
    if (!held.ok) throw new ApiError(422, held.code, held.message);
    holdToken = held.token;
    unitReturned = !held.live;
  }
  const hash = requestHash("redeem", principal.kind === "venue" ? principal.venueId : "operator", body);
  const registration = { programId: program.id, memberId: body.memberId, redemptionId, rewardId: reward.id, idempotencyKey: key };
  const code = dryRun ? codeCandidate(body.memberId, key, 0) : await registerCode(c.env.DB, registration);
  const reply = await callActor(c.env.MEMBER, body.memberId, (member) => member.redeem({
    v: memberRpcVersion,
    idempotencyKey: key,
    requestHash: hash,
    dryRun,
    program,
    reward,
    redeemingVenue,
    nonCoalitionVenueIds: venues.filter((venue) => !venue.participatesInCoalition).map((venue) => venue.id),
    purchaseCents: body.purchaseCents ?? null,
    code,
    holdToken,
    unitReturned,
  }));
  if (!dryRun) {
    if (stocked) await followHold(c.env.REWARD_STOCK, reward.id, redemptionId, reply.redemption);
    if (reply.redemption.state === "absent") c.executionCtx.waitUntil(forgetCode(c.env.DB, program.id, code, redemptionId).catch(() => undefined));
  }
  return c.json(actorReply<z.infer<typeof RedemptionSchema>>(c, reply), 201);
});

/**
 * The unit follows the redemption's durable state at once. If this call fails the hold lapses and
 * the stock's alarm asks the Member, so a lost call delays the unit's return, never loses it.
 */
async function followHold(stocks: Env["REWARD_STOCK"], rewardId: string, holdId: string, redemption: { state: "issued" | "consumed" | "cancelled" | "absent"; token: string | null }) {
  try {
    await callActor(stocks, rewardId, (stock) => stock.follow({ v: stockRpcVersion, holdId, ...redemption }));
  } catch (error) {
    console.error("stock follow failed; the hold's lapse settles it", error);
  }
}

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
