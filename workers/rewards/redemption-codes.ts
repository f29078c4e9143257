import { and, eq } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { redemptionCodes } from "../../db/schema";
import { codeCandidate, codeCandidatesMax, normalizeCode } from "../../domain/rewards/redemption-code";
import { ApiError } from "../errors/api-error";

type Registration = { programId: string; memberId: string; redemptionId: string; rewardId: string; idempotencyKey: string };

/**
 * Registers the redemption's code before the Member commits it, so the code opens the redemption
 * from the moment it exists, whatever D1 does afterwards. Codes are unique within the program: a
 * code already taken by another redemption draws the next candidate (the same key draws the same
 * sequence, so a retry lands on the code it registered the first time).
 */
export async function registerCode(db: D1Database, registration: Registration): Promise<string> {
  const orm = drizzle(db);
  for (let attempt = 0; attempt < codeCandidatesMax; attempt++) {
    const code = codeCandidate(registration.memberId, registration.idempotencyKey, attempt);
    const inserted = await orm
      .insert(redemptionCodes)
      .values({ code, programId: registration.programId, memberId: registration.memberId, redemptionId: registration.redemptionId, rewardId: registration.rewardId, createdAt: new Date().toISOString() })
      .onConflictDoNothing()
      .returning({ redemptionId: redemptionCodes.redemptionId });
    if (inserted.length > 0) return code;
    const [holder] = await orm
      .select({ redemptionId: redemptionCodes.redemptionId })
      .from(redemptionCodes)
      .where(and(eq(redemptionCodes.programId, registration.programId), eq(redemptionCodes.code, code)));
    if (holder?.redemptionId === registration.redemptionId) return code;
  }
  throw new Error(`no free redemption code after ${codeCandidatesMax} candidates`);
}

/** Drops the code of a redemption the Member did not make (refused), so codes are only ever live ones. */
export async function forgetCode(db: D1Database, programId: string, code: string, redemptionId: string): Promise<void> {
  await drizzle(db)
    .delete(redemptionCodes)
    .where(and(eq(redemptionCodes.programId, programId), eq(redemptionCodes.code, code), eq(redemptionCodes.redemptionId, redemptionId)));
}

/** The redemption a typed or scanned code opens, within the caller's program (the operator may name one). */
export async function findCode(db: D1Database, typed: string, programId: string | undefined) {
  // Codes issued before the check character existed are looked up as they were stored.
  const code = normalizeCode(typed) ?? legacyCode(typed);
  if (!code) throw new ApiError(404, "redemption_not_found", `${typed} is not a redemption code; check it for a typo`);
  const rows = await drizzle(db)
    .select()
    .from(redemptionCodes)
    .where(programId ? and(eq(redemptionCodes.programId, programId), eq(redemptionCodes.code, code)) : eq(redemptionCodes.code, code))
    .limit(2);
  if (rows.length === 0) throw new ApiError(404, "redemption_not_found", `No redemption code ${code}`);
  if (rows.length > 1) throw new ApiError(409, "code_ambiguous", `Code ${code} exists in more than one program; pass programId`);
  return rows[0];
}

/** Before check characters, codes were 8 base32 characters shown as XXXX-XXXX in upper case. */
function legacyCode(typed: string): string | null {
  const code = typed.trim().toUpperCase();
  return /^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/.test(code) ? code : null;
}
