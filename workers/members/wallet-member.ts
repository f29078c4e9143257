import { and, eq } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { memberWallets, members } from "../../db/schema";
import { memberRpcVersion } from "../../durable-objects/member/rpc-types";
import { ApiError } from "../errors/api-error";
import { requestHash } from "../idempotency/request-hash";
import { callActor } from "../ledger/call-actor";
import { findProgram } from "../programs/program-directory";
import { deriveMemberId, deriveReferralCode } from "./member-id";
import { referrerIfKnown } from "./referral-check";

/** The program's member a wallet (checksummed) belongs to, if any. */
export async function linkedMember(db: D1Database, programId: string, address: string): Promise<string | null> {
  const [row] = await drizzle(db).select({ memberId: memberWallets.memberId }).from(memberWallets).where(and(eq(memberWallets.programId, programId), eq(memberWallets.address, address)));
  return row?.memberId ?? null;
}

/** What became of a referral code sent with a wallet sign-in; the sign-in page tells the person. */
export type WalletReferral = { status: "recorded" | "unknown_referral_code" | "already_member"; message: string };

const referralMessages: Record<WalletReferral["status"], string> = {
  recorded: "Joined through a referral: your referrer is recorded",
  unknown_referral_code: "That referral code was not found; you joined without a referral",
  already_member: "This wallet was already a member; a referral code counts only when joining",
};

export const walletReferral = (status: WalletReferral["status"]): WalletReferral => ({ status, message: referralMessages[status] });

/** The referrer a joining wallet's code names (422 self_referral or referral_cycle), or null for an unknown code. */
export async function referrerForWallet(db: D1Database, programId: string, address: string, referralCode: string): Promise<string | null> {
  const externalRef = `wallet:${address.toLowerCase()}`;
  const joiner = { id: deriveMemberId(programId, { externalRef }), externalRef, email: null, phone: null, wallet: address };
  return referrerIfKnown(db, programId, referralCode, joiner);
}

/**
 * Enrolls the member a wallet's first sign-in makes (a community member joins by signing in). The
 * member's id derives from the wallet, so concurrent first sign-ins reach one actor and enroll once;
 * the wallet's row is unique per program, so it belongs to one member.
 */
export async function enrollWallet(env: Env, programId: string, address: string, referredBy: string | null): Promise<string> {
  const program = await findProgram(env.DB, programId);
  const memberId = deriveMemberId(programId, { externalRef: `wallet:${address.toLowerCase()}` });
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
      // The wallet that signed in to join is the member's payout wallet from the start (issue 23).
      payoutWallet: address,
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
