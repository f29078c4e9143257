import { OpenAPIHono, createRoute, z } from "@hono/zod-openapi";
import { and, asc, eq, sql } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { memberWallets } from "../../db/schema";
import type { AppEnv } from "../app-env";
import { requireMember } from "../auth/require-member";
import { ApiError } from "../errors/api-error";
import { errorResponses } from "../errors/error-schemas";
import { defaultHook } from "../errors/handlers";
import { limitPerClient, signInLimits } from "../middleware/rate-limit";
import { AddressSchema, SignedMessageSchema, memberSecurity } from "../schemas/common";
import { verifySignIn } from "../sessions/siwe";
import { signedInMember } from "./me";

const WalletSchema = z.object({ address: z.string(), linkedAt: z.string() }).openapi("Wallet");
const AddressParams = z.object({ address: AddressSchema.openapi({ param: { name: "address", in: "path" } }) });

const listWallets = createRoute({
  operationId: "listMyWallets",
  method: "get",
  path: "/wallets",
  tags: ["Me"],
  summary: "The wallets linked to the signed-in member",
  security: memberSecurity,
  middleware: [requireMember()] as const,
  responses: { 200: { description: "Wallets", content: { "application/json": { schema: z.object({ wallets: z.array(WalletSchema) }) } } }, ...errorResponses(401) },
});

const linkWallet = createRoute({
  operationId: "linkWallet",
  method: "post",
  path: "/wallets",
  tags: ["Me"],
  summary: "Link a wallet: a Sign-In with Ethereum message signed by that wallet (nonce from /v1/auth/siwe/nonce)",
  description: "409 wallet_linked_elsewhere when the wallet belongs to another member of the program.",
  security: memberSecurity,
  middleware: [requireMember(), limitPerClient(signInLimits.walletLinking)] as const,
  request: { body: { required: true, content: { "application/json": { schema: SignedMessageSchema } } } },
  responses: { 201: { description: "Linked (200 when it already was)", content: { "application/json": { schema: WalletSchema } } }, ...errorResponses(400, 401, 403, 409, 413, 422, 429, 503) },
});

const unlinkWallet = createRoute({
  operationId: "unlinkWallet",
  method: "delete",
  path: "/wallets/{address}",
  tags: ["Me"],
  summary: "Unlink a wallet from the signed-in member (the address in any case)",
  security: memberSecurity,
  middleware: [requireMember()] as const,
  request: { params: AddressParams },
  responses: { 204: { description: "Unlinked" }, ...errorResponses(401, 403, 404) },
});

export const meWalletRoutes = new OpenAPIHono<AppEnv>({ defaultHook });

meWalletRoutes.openapi(listWallets, async (c) => {
  const member = signedInMember(c.get("principal"));
  const rows = await drizzle(c.env.DB).select().from(memberWallets).where(eq(memberWallets.memberId, member.memberId)).orderBy(asc(memberWallets.linkedAt)).limit(50);
  return c.json({ wallets: rows.map((row) => ({ address: row.address, linkedAt: row.linkedAt })) }, 200);
});

meWalletRoutes.openapi(linkWallet, async (c) => {
  const member = signedInMember(c.get("principal"));
  const { message, signature } = c.req.valid("json");
  const { address, programId } = await verifySignIn(c.env, message, signature, Date.now());
  if (programId !== member.programId) throw new ApiError(422, "siwe_nonce_invalid", "This message's nonce was issued for another program; ask for a nonce for yours");
  const db = drizzle(c.env.DB);
  const linkedAt = new Date().toISOString();
  const inserted = await db.insert(memberWallets).values({ programId, address, memberId: member.memberId, linkedAt }).onConflictDoNothing().returning();
  if (inserted.length > 0) return c.json({ address, linkedAt }, 201);
  const [owner] = await db.select().from(memberWallets).where(and(eq(memberWallets.programId, programId), eq(memberWallets.address, address)));
  if (owner && owner.memberId !== member.memberId) throw new ApiError(409, "wallet_linked_elsewhere", "This wallet belongs to another member of this program");
  return c.json({ address, linkedAt: owner?.linkedAt ?? linkedAt }, 201);
});

meWalletRoutes.openapi(unlinkWallet, async (c) => {
  const member = signedInMember(c.get("principal"));
  const { address } = c.req.valid("param");
  const removed = await drizzle(c.env.DB)
    .delete(memberWallets)
    // Stored checksummed (mixed case); a wallet address may be typed in any case.
    .where(and(eq(memberWallets.programId, member.programId), eq(memberWallets.memberId, member.memberId), sql`lower(${memberWallets.address}) = ${address.toLowerCase()}`))
    .returning();
  if (removed.length === 0) throw new ApiError(404, "wallet_not_found", `No wallet ${address} is linked to you`);
  return c.body(null, 204);
});
