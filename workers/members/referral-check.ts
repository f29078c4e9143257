import { and, eq, inArray, sql } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { memberWallets, members } from "../../db/schema";
import { ApiError } from "../errors/api-error";

/** Who is joining, as far as a referral cares: the same person must not refer themself. */
export type Joiner = { id: string; externalRef: string | null; email: string | null; phone: string | null; wallet?: string };

type Referrer = { id: string; externalRef: string | null; email: string | null; phone: string | null; referredBy: string | null };

const chainMax = 32;

/** The member a referral code names in the program, if any (codes are upper case; people type them any way). */
async function findReferrer(db: D1Database, programId: string, referralCode: string): Promise<Referrer | null> {
  const [referrer] = await drizzle(db)
    .select({ id: members.id, externalRef: members.externalRef, email: members.email, phone: members.phone, referredBy: members.referredBy })
    .from(members)
    .where(and(eq(members.programId, programId), eq(members.referralCode, referralCode.trim().toUpperCase())));
  return referrer ?? null;
}

const same = (a: string | null, b: string | null) => a !== null && b !== null && a.toLowerCase() === b.toLowerCase();

/**
 * Checks a referral before it is recorded: not the joiner themself (same member, wallet, external
 * ref, email or phone: 422 self_referral), and no cycle (the joiner is not up the referrer's chain:
 * 422 referral_cycle). A second referrer for an existing member is refused by the member's actor.
 */
async function checkReferral(db: D1Database, programId: string, referrer: Referrer, joiner: Joiner): Promise<string> {
  let selfReferral = referrer.id === joiner.id || same(referrer.externalRef, joiner.externalRef) || same(referrer.email, joiner.email) || same(referrer.phone, joiner.phone);
  if (!selfReferral && joiner.wallet) {
    // Wallets are stored checksummed (mixed case) and typed in any case: compare them case-insensitively.
    const wallet = joiner.wallet.toLowerCase();
    const [owned] = await drizzle(db)
      .select({ memberId: memberWallets.memberId })
      .from(memberWallets)
      .where(and(eq(memberWallets.programId, programId), eq(memberWallets.memberId, referrer.id), sql`lower(${memberWallets.address}) = ${wallet}`));
    selfReferral = owned !== undefined || same(referrer.externalRef, `wallet:${wallet}`);
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

/** The referrer a code names for this joiner (checked as above), or 422 unknown_referral_code. */
export async function referrerFor(db: D1Database, programId: string, referralCode: string, joiner: Joiner): Promise<string> {
  const referrer = await findReferrer(db, programId, referralCode);
  if (!referrer) {
    throw new ApiError(422, "unknown_referral_code", `No member of this program has referral code ${referralCode}`, {
      fields: [{ path: "referralCode", message: "unknown referral code" }],
    });
  }
  return checkReferral(db, programId, referrer, joiner);
}

/**
 * As `referrerFor`, but an unknown code answers null: a wallet signing in with a mistyped code joins
 * without a referral rather than being locked out (its signed message cannot be changed to drop it).
 */
export async function referrerIfKnown(db: D1Database, programId: string, referralCode: string, joiner: Joiner): Promise<string | null> {
  const referrer = await findReferrer(db, programId, referralCode);
  return referrer ? checkReferral(db, programId, referrer, joiner) : null;
}
