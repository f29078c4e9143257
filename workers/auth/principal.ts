import { ApiError } from "../errors/api-error";

/** Who is calling: the operator, or a kiosk/POS holding one venue's API key. */
export type Principal = { kind: "operator" } | { kind: "venue"; venueId: string; programId: string; keyId: string };

/** Refuses a venue key that belongs to another program (operators may act on any program). */
export function assertProgramAccess(principal: Principal, programId: string): void {
  if (principal.kind === "venue" && principal.programId !== programId) {
    throw new ApiError(403, "forbidden_program", `This venue API key belongs to program ${principal.programId}, not ${programId}`);
  }
}
