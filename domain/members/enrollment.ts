import type { MemberProfile } from "./member-profile";

export type EnrollmentRequest = Omit<MemberProfile, "enrolledAt">;

export type EnrollmentDecision =
  | { kind: "enrolled"; profile: MemberProfile }
  | { kind: "already_enrolled"; profile: MemberProfile };

/**
 * A member is created once. Enrolling an existing member (same externalRef, or the same key's
 * member) answers the stored profile unchanged: enrollment is idempotent by its natural id.
 */
export function decideEnrollment(existing: MemberProfile | null, request: EnrollmentRequest, now: Date): EnrollmentDecision {
  if (existing) return { kind: "already_enrolled", profile: existing };
  return { kind: "enrolled", profile: { ...request, enrolledAt: now.toISOString() } };
}
