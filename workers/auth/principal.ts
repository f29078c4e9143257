import { ApiError } from "../errors/api-error";

/** Who is calling: the operator, a kiosk/POS holding one venue's API key, or a signed-in member. */
export type Principal =
  | { kind: "operator" }
  | { kind: "venue"; venueId: string; programId: string; keyId: string }
  | { kind: "member"; memberId: string; programId: string; sessionHash: string };

/** Refuses a venue key that belongs to another program (operators may act on any program). */
export function assertProgramAccess(principal: Principal, programId: string): void {
  if (principal.kind !== "operator" && principal.programId !== programId) {
    throw new ApiError(403, "forbidden_program", "This venue API key cannot act on another program");
  }
}

/**
 * Another program's member is answered exactly as an unknown one (404), so a venue key cannot
 * probe which ids exist elsewhere.
 */
export function assertMemberAccess(principal: Principal, programId: string, memberId: string): void {
  if (principal.kind === "member" ? principal.memberId !== memberId : principal.kind === "venue" && principal.programId !== programId) {
    throw new ApiError(404, "member_not_found", `No member ${memberId}`);
  }
}
