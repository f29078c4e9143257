import type { Rejection } from "./purchase-window";

export type SpendableLot = { id: number; venueId: string | null; expiresAtMs: number | null; earnedAtMs: number; remaining: number };
export type RedeemingVenue = {
  id: string;
  participatesInCoalition: boolean;
  allowCrossVenueRedemption: boolean;
  maxCrossVenueRedemptionPercent: number;
};
export type Allocation = { lotId: number; venueId: string | null; expiresAtMs: number | null; points: number };

/** Lots in the order they are spent: soonest expiry first (never-expiring last), then oldest. */
export function fifoByExpiry<L extends SpendableLot>(lots: readonly L[]): L[] {
  return [...lots].sort(
    (a, b) =>
      (a.expiresAtMs ?? Number.MAX_SAFE_INTEGER) - (b.expiresAtMs ?? Number.MAX_SAFE_INTEGER) || a.earnedAtMs - b.earnedAtMs || a.id - b.id,
  );
}

/** Points a refund takes back come from the purchase's own lot first, then FIFO by expiry. */
export function allocateClawback<L extends SpendableLot & { source: string }>(lots: readonly L[], points: number, purchaseId: string): Allocation[] {
  return takeInOrder([...lots.filter((lot) => lot.source === purchaseId), ...fifoByExpiry(lots.filter((lot) => lot.source !== purchaseId))], points);
}

/** Points a debit (a manual adjustment) takes: FIFO by expiry, as a redemption would. */
export function allocateDebit(lots: readonly SpendableLot[], points: number): Allocation[] {
  return takeInOrder(fifoByExpiry(lots), points);
}

function takeInOrder(ordered: readonly SpendableLot[], points: number): Allocation[] {
  const allocations: Allocation[] = [];
  let needed = points;
  for (const lot of ordered) {
    if (needed === 0) break;
    const take = Math.min(lot.remaining, needed);
    if (take > 0) allocations.push({ lotId: lot.id, venueId: lot.venueId, expiresAtMs: lot.expiresAtMs, points: take });
    needed -= take;
  }
  return allocations;
}

/**
 * Chooses the points that pay for a reward: FIFO by expiry, except that points earned at other
 * venues may pay at most `maxCrossVenueRedemptionPercent` of the cost, and none when the redeeming
 * venue refuses cross-venue redemption or either venue stays out of the coalition.
 */
export function allocateSpend(
  lots: readonly SpendableLot[],
  cost: number,
  redeemingVenue: RedeemingVenue | null,
  inCoalition: (venueId: string) => boolean,
): { ok: true; allocations: Allocation[] } | { ok: false; rejection: Rejection } {
  const balance = lots.reduce((sum, lot) => sum + lot.remaining, 0);
  if (balance < cost) {
    return { ok: false, rejection: { code: "insufficient_points", message: `This reward costs ${cost} points; the member has ${balance} available` } };
  }
  const crossAllowed = redeemingVenue !== null && redeemingVenue.allowCrossVenueRedemption && redeemingVenue.participatesInCoalition;
  const foreignMax = crossAllowed ? Math.floor((cost * redeemingVenue.maxCrossVenueRedemptionPercent) / 100) : 0;
  const isHome = (lot: SpendableLot) => redeemingVenue === null || lot.venueId === null || lot.venueId === redeemingVenue.id;

  const allocations: Allocation[] = [];
  let needed = cost;
  let foreignTaken = 0;
  for (const lot of fifoByExpiry(lots)) {
    if (needed === 0) break;
    if (lot.remaining <= 0) continue;
    let take: number;
    if (isHome(lot)) take = Math.min(lot.remaining, needed);
    else if (crossAllowed && lot.venueId !== null && inCoalition(lot.venueId)) take = Math.min(lot.remaining, needed, foreignMax - foreignTaken);
    else take = 0;
    if (take <= 0) continue;
    if (!isHome(lot)) foreignTaken += take;
    allocations.push({ lotId: lot.id, venueId: lot.venueId, expiresAtMs: lot.expiresAtMs, points: take });
    needed -= take;
  }
  if (needed === 0) return { ok: true, allocations };
  if (!crossAllowed) {
    return {
      ok: false,
      rejection: { code: "cross_venue_not_allowed", message: "Points earned at other venues cannot be redeemed at this venue, and those earned here do not cover the cost" },
    };
  }
  return {
    ok: false,
    rejection: {
      code: "cross_venue_cap_exceeded",
      message: `At most ${redeemingVenue.maxCrossVenueRedemptionPercent}% of this reward may be paid with points earned at other venues`,
    },
  };
}
