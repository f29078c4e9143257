import { base32, digestBytes } from "../../domain/ids/digest";
import { ApiError } from "../errors/api-error";

const memberIdPattern = /^mem_[0-9a-hjkmnp-tv-z]{24}$/;

/**
 * A member's id is derived from its natural identity, so every enrollment of the same person
 * reaches the same Member actor, which serialises them and creates the member once: the
 * externalRef within the program when there is one, otherwise the enrollment's Idempotency-Key.
 */
export function deriveMemberId(programId: string, identity: { externalRef: string } | { idempotencyKey: string }): string {
  const source = "externalRef" in identity ? `ref\u0000${identity.externalRef}` : `key\u0000${identity.idempotencyKey}`;
  return `mem_${base32(digestBytes(`${programId}\u0000${source}`), 24)}`;
}

export function deriveReferralCode(memberId: string): string {
  return base32(digestBytes(`referral\u0000${memberId}`), 10).toUpperCase();
}

/** Whether `value` is an id we could have issued; checked before any actor is woken for it. */
export function isMemberId(value: string): boolean {
  return memberIdPattern.test(value);
}

/** A member id from a request: one we could have issued, or 404 before any actor is woken for it. */
export function requireMemberId(value: string): string {
  if (!isMemberId(value)) throw new ApiError(404, "member_not_found", `No member ${value}`);
  return value;
}
