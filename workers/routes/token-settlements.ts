import { OpenAPIHono, createRoute, z } from "@hono/zod-openapi";
import { memberRpcVersion } from "../../durable-objects/member/rpc-types";
import { payoutPageMax } from "../../durable-objects/member/token-payout";
import type { AppEnv } from "../app-env";
import { requireAuth } from "../auth/require-auth";
import { requireMember } from "../auth/require-member";
import { ApiError } from "../errors/api-error";
import { errorResponses } from "../errors/error-schemas";
import { defaultHook } from "../errors/handlers";
import { requireIdempotencyKey } from "../idempotency/idempotency-key";
import { requestHash } from "../idempotency/request-hash";
import { callActor } from "../ledger/call-actor";
import { actorReply, programContext } from "../ledger/contexts";
import { requireMemberId } from "../members/member-id";
import { IdParamsSchema, memberSecurity, operatorSecurity } from "../schemas/common";
import { RequiredKeyHeaderSchema } from "../schemas/ledger";
import { NextCursorSchema, decodeCursor, encodeCursor } from "../schemas/paging";
import { signedInMember } from "./me";

export const TokenPayoutSchema = z
  .object({
    intentId: z.string().openapi({ example: "mbr_abc:1" }),
    points: z.number().int(),
    tokenAmount: z.string().openapi({ description: "Base units (18 decimals), decimal string", example: "1000000000000000000" }),
    address: z.string().openapi({ description: "The pinned payout wallet when the payout was cut" }),
    status: z.enum(["reserved", "settled", "returned"]).openapi({ description: "reserved: points held until the chain settles; settled: the tokens arrived; returned: the settlement was abandoned and the points came back" }),
    settlementId: z.number().int().nullable(),
    txHash: z.string().nullable(),
    cutAt: z.string(),
    settledAt: z.string().nullable(),
    returnedAt: z.string().nullable(),
  })
  .openapi("TokenPayout");

const CutSchema = TokenPayoutSchema.extend({ balance: z.number().int().openapi({ description: "Available points after the reservation" }) }).openapi("TokenPayoutCut");
const PageSchema = z.object({ payouts: z.array(TokenPayoutSchema), nextCursor: NextCursorSchema });
const PayoutPageQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(payoutPageMax).default(20),
  cursor: z.string().max(512).optional().openapi({ description: "nextCursor from the previous page" }),
});

const cutDescription =
  "Reserves all the member's settleable available points (posted points of the kinds the program settles; never pending or held ones), up to what is left of today's ceiling, for the program's token at its rate, paid to the pinned payout wallet. The points leave `available` at once; the payout is settled on chain in a later batch. 422 with settlement_not_offered, member_not_verified, no_payout_wallet, points_in_debt, below_minimum_payout or daily_ceiling_reached.";

const cutMine = createRoute({
  operationId: "cutMyTokenPayout",
  method: "post",
  path: "/token-settlements",
  tags: ["Me"],
  summary: "Turn my settleable points into tokens",
  description: cutDescription,
  security: memberSecurity,
  middleware: [requireMember()] as const,
  request: { headers: RequiredKeyHeaderSchema },
  responses: { 201: { description: "Reserved", content: { "application/json": { schema: CutSchema } } }, ...errorResponses(400, 401, 403, 404, 422, 429) },
});

const listMine = createRoute({
  operationId: "myTokenPayouts",
  method: "get",
  path: "/token-settlements",
  tags: ["Me"],
  summary: "My token payouts, newest first (cursor paged), each with its transaction hash once settled",
  security: memberSecurity,
  middleware: [requireMember()] as const,
  request: { query: PayoutPageQuerySchema },
  responses: { 200: { description: "Payouts", content: { "application/json": { schema: PageSchema } } }, ...errorResponses(400, 401, 422) },
});

const cutForMember = createRoute({
  operationId: "cutTokenPayout",
  method: "post",
  path: "/{id}/token-settlements",
  tags: ["Members"],
  summary: "Turn a member's settleable points into tokens (operator)",
  description: cutDescription,
  security: operatorSecurity,
  middleware: [requireAuth({ operator: true })] as const,
  request: { params: IdParamsSchema, headers: RequiredKeyHeaderSchema },
  responses: { 201: { description: "Reserved", content: { "application/json": { schema: CutSchema } } }, ...errorResponses(400, 401, 403, 404, 422, 429) },
});

const listForMember = createRoute({
  operationId: "tokenPayouts",
  method: "get",
  path: "/{id}/token-settlements",
  tags: ["Members"],
  summary: "A member's token payouts, newest first (cursor paged)",
  security: operatorSecurity,
  middleware: [requireAuth({ operator: true })] as const,
  request: { params: IdParamsSchema, query: PayoutPageQuerySchema },
  responses: { 200: { description: "Payouts", content: { "application/json": { schema: PageSchema } } }, ...errorResponses(400, 401, 403, 404, 422) },
});

/** Cuts a payout in the member's actor; the key and the (empty) body make the request's fingerprint. The portal's form calls it too. */
export async function cutMemberPayout(env: Env, memberId: string, programId: string, key: string) {
  const program = await programContext(env.DB, programId);
  return callActor(env.MEMBER, memberId, (member) => member.cutTokenPayout({ v: memberRpcVersion, idempotencyKey: key, requestHash: requestHash("token_payout", memberId, {}), program }));
}

/** Cuts nothing: what a cut would answer now (the points and tokens, or the refusal), for the portal to show. */
export async function previewMemberPayout(env: Env, memberId: string, programId: string) {
  const program = await programContext(env.DB, programId);
  return callActor(env.MEMBER, memberId, (member) => member.cutTokenPayout({ v: memberRpcVersion, requestHash: requestHash("token_payout", memberId, {}), dryRun: true, program }));
}

async function page(env: Env, memberId: string, query: z.infer<typeof PayoutPageQuerySchema>) {
  const beforeSeq = query.cursor ? Number(decodeCursor(query.cursor, 1)[0]) : null;
  const found = await callActor(env.MEMBER, memberId, (member) => member.tokenPayouts(query.limit, beforeSeq));
  if (!found) return null;
  return { payouts: found.payouts, nextCursor: found.nextBeforeSeq === null ? null : encodeCursor([String(found.nextBeforeSeq)]) };
}

/** Mounted under /v1/me. */
export const meTokenSettlementRoutes = new OpenAPIHono<AppEnv>({ defaultHook });

meTokenSettlementRoutes.openapi(cutMine, async (c) => {
  const member = signedInMember(c.get("principal"));
  const reply = await cutMemberPayout(c.env, member.memberId, member.programId, requireIdempotencyKey(c));
  if (reply.status === 404) throw new ApiError(401, "session_expired", "This member no longer exists; sign in again");
  return c.json(actorReply<z.infer<typeof CutSchema>>(c, reply), 201);
});

meTokenSettlementRoutes.openapi(listMine, async (c) => {
  const member = signedInMember(c.get("principal"));
  const found = await page(c.env, member.memberId, c.req.valid("query"));
  if (!found) throw new ApiError(401, "session_expired", "This member no longer exists; sign in again");
  return c.json(found, 200);
});

/** Mounted under /v1/members. */
export const memberTokenSettlementRoutes = new OpenAPIHono<AppEnv>({ defaultHook });

memberTokenSettlementRoutes.openapi(cutForMember, async (c) => {
  const { id } = c.req.valid("param");
  const key = requireIdempotencyKey(c);
  requireMemberId(id);
  const profile = await callActor(c.env.MEMBER, id, (member) => member.profile());
  if (profile.status === 404) throw new ApiError(404, "member_not_found", `No member ${id}`);
  const reply = await cutMemberPayout(c.env, id, profile.body.programId, key);
  return c.json(actorReply<z.infer<typeof CutSchema>>(c, reply), 201);
});

memberTokenSettlementRoutes.openapi(listForMember, async (c) => {
  const { id } = c.req.valid("param");
  requireMemberId(id);
  const found = await page(c.env, id, c.req.valid("query"));
  if (!found) throw new ApiError(404, "member_not_found", `No member ${id}`);
  return c.json(found, 200);
});
