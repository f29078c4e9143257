/**
 * A stocked reward's units follow the redemptions' durable state (§3). Each unit is held under one
 * redemption id with a hold token; the Member records the token it was redeemed with. A unit moves
 * only when the redemption that owns it (same id, same token) moved: a rejected retry, a reused
 * key or a stale hold can never free or keep a unit that another redemption owns.
 */
export type UnitState = "held" | "issued" | "consumed" | "released";
export type RedemptionState = "issued" | "consumed" | "cancelled" | "absent";

/** The unit's next state, given what the Member durably says of the redemption it is held for. */
export function unitFollowing(unit: UnitState, unitToken: string | null, redemption: RedemptionState, redemptionToken: string | null): UnitState {
  const owned = redemption !== "absent" && unitToken === redemptionToken;
  // A hold that the redemption does not own (a retry after a cancel, a re-hold after pruning, a
  // request the Member refused) was never a unit of anything: it goes back.
  if (!owned) return unit === "held" ? "released" : unit;
  if (unit === "released" || unit === "consumed") return unit;
  if (redemption === "cancelled") return "released";
  if (redemption === "consumed") return "consumed";
  return "issued";
}

/** Units that count against inventory and the day's cap. */
export function isClaimed(unit: UnitState): boolean {
  return unit !== "released";
}
