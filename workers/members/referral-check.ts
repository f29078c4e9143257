import { and, eq, inArray } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { memberWallets, members } from "../../db/schema";
import { ApiError } from "../errors/api-error";

/** Who is joining, as far as a referral cares: the same person must not refer themself. */
export type Joiner = { id: string; externalRef: string | null; email: string | null; phone: string | null; wallet?: string };

const chainMax = 32;

/** The referrer a referral code names in the program, or 422 unknown_referral_code. */
export async function findReferrer(db: D1Database, programId: string, referralCode: string) {
  const [referrer] = await drizzle(db)
    .select({ id: members.id, externalRef: members.externalRef, email: members.email, phone: members.phone, referredBy: members.referredBy })
    .from(members)
    .where(and(eq(members.programId, programId), eq(members.referralCode, referralCode.trim().toUpperCase())));
  if (!referrer) {
    throw new ApiError(422, "unknown_referral_code", `No member of this program has referral code ${referralCode}`, {
      fields: [{ path: "referralCode", message: "unknown referral code" }],
    });
  }
  return referrer;
}

/**
 * Checks a referral before it is recorded: not the joiner themself (same member, wallet, external
 * ref, email or phone: 422 self_referral), and no cycle (the joiner is not up the referrer's chain:
 * 422 referral_cycle). A second referrer for an existing member is refused by the member's actor.
 */
export async function referrerFor(db: D1Database, programId: string, referralCode: string, joiner: Joiner): Promise<string> {
  const referrer = await findReferrer(db, programId, referralCode);
  const same = (a: string | null, b: string | null) => a !== null && b !== null && a.toLowerCase() === b.toLowerCase();
  let selfReferral = referrer.id === joiner.id || same(referrer.externalRef, joiner.externalRef) || same(referrer.email, joiner.email) || same(referrer.phone, joiner.phone);
  if (!selfReferral && joiner.wallet) {
    const wallet = joiner.wallet.toLowerCase();
    const [owned] = await drizzle(db).select({ memberId: memberWallets.memberId }).from(memberWallets).where(and(eq(memberWallets.programId, programId), eq(memberWallets.address, wallet), eq(memberWallets.memberId, referrer.id)));
    selfReferral = owned !== undefined || referrer.externalRef === `wallet:${wallet}`;
  }
  if (selfReferral) throw new ApiError(422, "self_referral", "A member cannot use their own referral code (same member, wallet, external ref, email or phone)");
  let up = referrer.referredBy;
  for (let step = 0; up !== null && step < chainMax; step++) {
    if (up === joiner.id) throw new ApiError(422, "referral_cycle", "This referral would make a cycle: the referrer was referred, directly or not, by the member joining");
    const [next] = await drizzle(db).select({ referredBy: members.referredBy }).from(members).where(inArray(members.id, [up]));
    up = next?.referredBy ?? null;
  }
  return referrer.id;
}
