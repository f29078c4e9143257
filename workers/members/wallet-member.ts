import { and, eq } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { memberWallets, members } from "../../db/schema";
import { memberRpcVersion } from "../../durable-objects/member/rpc-types";
import { ApiError } from "../errors/api-error";
import { requestHash } from "../idempotency/request-hash";
import { callActor } from "../ledger/call-actor";
import { findProgram } from "../programs/program-directory";
import { deriveMemberId, deriveReferralCode } from "./member-id";
import { referrerFor } from "./referral-check";

async function linkedMember(db: D1Database, programId: string, address: string): Promise<string | null> {
  const [row] = await drizzle(db).select({ memberId: memberWallets.memberId }).from(memberWallets).where(and(eq(memberWallets.programId, programId), eq(memberWallets.address, address)));
  return row?.memberId ?? null;
}

/**
 * The program's member that owns this wallet, enrolled on first sign-in (a community member joins
 * by signing in). The member's id derives from the wallet, so concurrent first sign-ins reach one
 * actor and enroll once; the wallet's row is unique per program, so it belongs to one member.
 */
export async function memberForWallet(env: Env, programId: string, address: string, referralCode?: string): Promise<string> {
  const linked = await linkedMember(env.DB, programId, address);
  // A returning member signs in; a referral code only counts when the wallet joins.
  if (linked) return linked;
  const program = await findProgram(env.DB, programId);
  const memberId = deriveMemberId(programId, { externalRef: `wallet:${address.toLowerCase()}` });
  const joiner = { id: memberId, externalRef: `wallet:${address.toLowerCase()}`, email: null, phone: null, wallet: address };
  const referredBy = referralCode ? await referrerFor(env.DB, programId, referralCode, joiner) : null;
  const reply = await callActor(env.MEMBER, memberId, (member) =>
    member.enroll({
      v: memberRpcVersion,
      requestHash: requestHash("enroll_wallet", programId, { address, referredBy }),
      request: {
        id: memberId,
        programId,
        externalRef: `wallet:${address.toLowerCase()}`,
        email: null,
        phone: null,
        birthday: null,
        timezone: program.config.timezone,
        referralCode: deriveReferralCode(memberId),
        referredBy,
        tier: program.config.tiers[0].code,
        enrolledVia: "siwe",
      },
      program: { id: program.id, config: program.config },
    }),
  );
  if ("error" in reply.body) throw new ApiError(reply.status as 409 | 422, reply.body.error.code, reply.body.error.message);
  const db = drizzle(env.DB);
  await db.batch([
    db.insert(members).values(reply.body).onConflictDoNothing(),
    db.insert(memberWallets).values({ programId, address, memberId, linkedAt: reply.body.enrolledAt }).onConflictDoNothing(),
  ]);
  return (await linkedMember(env.DB, programId, address)) ?? memberId;
}
