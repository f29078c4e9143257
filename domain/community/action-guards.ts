import { type Rejection, checkOccurredAt } from "../ledger/purchase-window";
import { reservedActionKinds } from "../programs/program-config";

/**
 * What the credit path refuses whoever calls it (a route, a room, a chat callback): a kind that is
 * paid by its own path, and a time outside the window (a week back, 5 minutes ahead), which would
 * dodge cooldowns and caps.
 */
export function refuseActionCredit(kind: string, occurredAtMs: number | undefined, nowMs: number): Rejection | null {
  if (reservedActionKinds.includes(kind)) {
    return { status: 422, code: "reserved_action", message: `"${kind}" is credited by its own path (joining, the streak claim, referral payouts), not as an action` };
  }
  if (occurredAtMs === undefined) return null;
  if (!Number.isFinite(occurredAtMs)) return { status: 422, code: "invalid_occurred_at", message: "occurredAt is not a valid time" };
  const refused = checkOccurredAt(new Date(occurredAtMs), new Date(nowMs));
  return refused ? { ...refused, message: refused.message.replace("purchases", "actions") } : null;
}

/**
 * Who earns the join bonus (§7a): a member who joined by signing in with a wallet, or whom an
 * operator enrolled. A venue key enrolling community members pays none: staff cannot mint bonuses.
 */
export function joinBonusPaidFor(enrolledVia: string): boolean {
  return enrolledVia === "siwe" || enrolledVia === "operator";
}
