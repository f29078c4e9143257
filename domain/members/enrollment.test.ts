import { describe, expect, it } from "vitest";
import { decideEnrollment, type EnrollmentRequest } from "./enrollment";

const now = new Date("2026-11-25T12:00:00.000Z");
const request: EnrollmentRequest = {
  id: "mem_a",
  programId: "prg_a",
  externalRef: "pos-1",
  email: "ada@example.com",
  phone: null,
  birthday: "07-14",
  timezone: "America/New_York",
  referralCode: "ABCDEFGHJK",
  referredBy: null,
  tier: "BRONZE",
  enrolledVia: "operator",
};

describe("decideEnrollment", () => {
  it("creates the member stamped with the time passed in", () => {
    expect(decideEnrollment(null, request, now)).toEqual({
      kind: "enrolled",
      profile: { ...request, enrolledAt: "2026-11-25T12:00:00.000Z" },
    });
  });

  it("answers the existing profile unchanged when the member is already enrolled", () => {
    const existing = { ...request, enrolledAt: "2026-01-01T00:00:00.000Z" };
    const later = decideEnrollment(existing, { ...request, email: "other@example.com" }, now);
    expect(later).toEqual({ kind: "already_enrolled", profile: existing });
  });
});
