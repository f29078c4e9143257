import { OpenAPIHono, createRoute, z } from "@hono/zod-openapi";
import { and, eq, sql } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { memberWallets } from "../../db/schema";
import { memberRpcVersion } from "../../durable-objects/member/rpc-types";
import type { AppEnv } from "../app-env";
import { requireMember } from "../auth/require-member";
import { ApiError } from "../errors/api-error";
import { errorResponses } from "../errors/error-schemas";
import { defaultHook } from "../errors/handlers";
import { callActor } from "../ledger/call-actor";
import { actorReply, programContext } from "../ledger/contexts";
import { requireAuth } from "../auth/require-auth";
import { requireMemberId } from "../members/member-id";
import { AddressSchema, IdParamsSchema, memberSecurity, operatorSecurity } from "../schemas/common";
import { signedInMember } from "./me";

const WalletChangeSchema = z
  .object({
    from: z.string().nullable(),
    to: z.string(),
    status: z.enum(["pending", "applied", "cancelled"]),
    requestedAt: z.string(),
    requestedBy: z.enum(["member", "operator", "enrollment"]),
    effectiveAt: z.string(),
    cancelledAt: z.string().nullable(),
    cancelledBy: z.enum(["member", "operator", "enrollment"]).nullable(),
  })
  .openapi("PayoutWalletChange");

const PayoutWalletSchema = z
  .object({
    pinned: z.string().nullable().openapi({ description: "Where payouts go now" }),
    pendingRelink: z
      .object({ address: z.string(), requestedAt: z.string(), effectiveAt: z.string() })
      .nullable()
      .openapi({ description: "A change cooling off: payouts go to the pinned wallet until effectiveAt" }),
    history: z.array(WalletChangeSchema).openapi({ description: "Every change, newest first: the audit trail" }),
  })
  .openapi("PayoutWallet");

const PinResultSchema = PayoutWalletSchema.extend({
  outcome: z.enum(["pinned", "relink_requested", "relink_cancelled", "unchanged"]),
}).openapi("PayoutWalletPin");

const getPayoutWallet = createRoute({
  operationId: "myPayoutWallet",
  method: "get",
  path: "/payout-wallet",
  tags: ["Me"],
  summary: "My pinned payout wallet, a change waiting to take effect, and the audit trail",
  security: memberSecurity,
  middleware: [requireMember()] as const,
  responses: { 200: { description: "The payout wallet", content: { "application/json": { schema: PayoutWalletSchema } } }, ...errorResponses(401) },
});

const pinPayoutWallet = createRoute({
  operationId: "pinMyPayoutWallet",
  method: "put",
  path: "/payout-wallet",
  tags: ["Me"],
  summary: "Pin one of my linked wallets as my payout wallet",
  description:
    "The wallet must be one of the member's own wallets linked by Sign-In with Ethereum (422 wallet_not_linked). The first pin takes effect at once; a change takes effect after the program's cooling-off period (24 h by default) and until then payouts go to the old wallet. Pinning the current wallet again cancels a waiting change.",
  security: memberSecurity,
  middleware: [requireMember()] as const,
  request: { body: { required: true, content: { "application/json": { schema: z.object({ address: AddressSchema }).strict().openapi("PinPayoutWallet") } } } },
  responses: { 200: { description: "Pinned, relink requested or cancelled", content: { "application/json": { schema: PinResultSchema } } }, ...errorResponses(400, 401, 403, 413, 422) },
});

const cancelRelink = createRoute({
  operationId: "cancelMyPayoutRelink",
  method: "delete",
  path: "/payout-wallet/relink",
  tags: ["Me"],
  summary: "Cancel the payout wallet change that is still cooling off",
  security: memberSecurity,
  middleware: [requireMember()] as const,
  responses: { 200: { description: "Cancelled", content: { "application/json": { schema: PinResultSchema } } }, ...errorResponses(401, 403, 404) },
});

const getMemberPayoutWallet = createRoute({
  operationId: "payoutWallet",
  method: "get",
  path: "/{id}/payout-wallet",
  tags: ["Members"],
  summary: "A member's pinned payout wallet, a change waiting to take effect, and the audit trail (operator, for support)",
  security: operatorSecurity,
  middleware: [requireAuth({ operator: true })] as const,
  request: { params: IdParamsSchema },
  responses: { 200: { description: "The payout wallet", content: { "application/json": { schema: PayoutWalletSchema } } }, ...errorResponses(401, 403, 404) },
});

/** Mounted under /v1/me. */
export const mePayoutWalletRoutes = new OpenAPIHono<AppEnv>({ defaultHook });

mePayoutWalletRoutes.openapi(getPayoutWallet, async (c) => {
  const member = signedInMember(c.get("principal"));
  const view = await callActor(c.env.MEMBER, member.memberId, (actor) => actor.payoutWallet());
  if (!view) throw new ApiError(401, "session_expired", "This member no longer exists; sign in again");
  return c.json(view, 200);
});

mePayoutWalletRoutes.openapi(pinPayoutWallet, async (c) => {
  const reply = await pinLinkedPayoutWallet(c.env, signedInMember(c.get("principal")), c.req.valid("json").address);
  return c.json(actorReply<z.infer<typeof PinResultSchema>>(c, reply), 200);
});

mePayoutWalletRoutes.openapi(cancelRelink, async (c) => {
  const reply = await cancelMemberPayoutRelink(c.env, signedInMember(c.get("principal")));
  return c.json(actorReply<z.infer<typeof PinResultSchema>>(c, reply), 200);
});

type SignedIn = { memberId: string; programId: string };

/** Pins one of the member's SIWE-linked wallets (422 wallet_not_linked otherwise); the portal's form calls it too. */
export async function pinLinkedPayoutWallet(env: Env, member: SignedIn, address: string) {
  // Only a wallet this member proved it holds (SIWE) may receive its tokens; the stored form is checksummed.
  const [linked] = await drizzle(env.DB)
    .select({ address: memberWallets.address })
    .from(memberWallets)
    .where(and(eq(memberWallets.programId, member.programId), eq(memberWallets.memberId, member.memberId), sql`lower(${memberWallets.address}) = ${address.toLowerCase()}`));
  if (!linked) throw new ApiError(422, "wallet_not_linked", `${address} is not linked to you: link it first by signing a message with it (POST /v1/me/wallets), then pin it`);
  const program = await programContext(env.DB, member.programId);
  return callActor(env.MEMBER, member.memberId, (actor) => actor.pinPayoutWallet({ v: memberRpcVersion, program, address: linked.address, by: "member" }));
}

/** Cancels the member's payout wallet change still cooling off; the portal's form calls it too. */
export async function cancelMemberPayoutRelink(env: Env, member: SignedIn) {
  const program = await programContext(env.DB, member.programId);
  return callActor(env.MEMBER, member.memberId, (actor) => actor.cancelPayoutRelink({ v: memberRpcVersion, program, by: "member" }));
}

/** Mounted under /v1/members. */
export const memberPayoutWalletRoutes = new OpenAPIHono<AppEnv>({ defaultHook });

memberPayoutWalletRoutes.openapi(getMemberPayoutWallet, async (c) => {
  const { id } = c.req.valid("param");
  requireMemberId(id);
  const view = await callActor(c.env.MEMBER, id, (actor) => actor.payoutWallet());
  if (!view) throw new ApiError(404, "member_not_found", `No member ${id}`);
  return c.json(view, 200);
});
