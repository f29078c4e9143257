import type { MemberProfile } from "./member-profile";

export type EnrollmentRequest = Omit<MemberProfile, "enrolledAt">;

export type EnrollmentDecision =
  | { kind: "enrolled"; profile: MemberProfile }
  | { kind: "already_enrolled"; profile: MemberProfile }
  | { kind: "referrer_already_set"; status: 409; code: "referrer_already_set"; message: string };

/**
 * A member is created once. Enrolling an existing member (same externalRef, or the same key's
 * member) answers the stored profile unchanged: enrollment is idempotent by its natural id.
 */
export function decideEnrollment(existing: MemberProfile | null, request: EnrollmentRequest, now: Date): EnrollmentDecision {
  // One referrer per member, for good: a later code naming someone else is refused, not recorded.
  if (existing && request.referredBy !== null && request.referredBy !== existing.referredBy) {
    return { kind: "referrer_already_set", status: 409, code: "referrer_already_set", message: existing.referredBy ? "This member already has a referrer; a member is referred once" : "This member joined without a referrer; a referral cannot be added later" };
  }
  if (existing) return { kind: "already_enrolled", profile: existing };
  return { kind: "enrolled", profile: { ...request, enrolledAt: now.toISOString() } };
}
