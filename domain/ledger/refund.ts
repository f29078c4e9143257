/**
 * Refunds are proportional and cumulative: after refunds totalling R of a purchase of A cents that
 * earned P points, floor(P × R / A) points are taken back in all. Computing the running total (not
 * each refund alone) makes a full refund take back exactly P however it was split.
 */
export function refundPointsDue(purchasePoints: number, amountCents: number, refundedBeforeCents: number, refundCents: number): number {
  const before = Math.floor((purchasePoints * refundedBeforeCents) / amountCents);
  const after = Math.floor((purchasePoints * (refundedBeforeCents + refundCents)) / amountCents);
  return after - before;
}

/** Takes `points` from the balance, never below zero; what cannot be taken becomes debt. */
export function clawBack(balance: number, points: number): { taken: number; newDebt: number } {
  const taken = Math.min(balance, points);
  return { taken, newDebt: points - taken };
}

export type MetricsChange = { lifetimePoints: number; lifetimeSpendCents: number; visits: number };

/**
 * What a refund of a posted purchase takes out of the tier-qualifying metrics: its share of the
 * points (the clawed-back part and the debt alike) and of the spend, and the visit itself once the
 * whole purchase is refunded. A refund before posting changes nothing: nothing counted yet.
 */
export function refundMetricsChange(posted: boolean, pointsReversed: number, refundCents: number, fullyRefunded: boolean): MetricsChange {
  if (!posted) return { lifetimePoints: 0, lifetimeSpendCents: 0, visits: 0 };
  return { lifetimePoints: -pointsReversed, lifetimeSpendCents: -refundCents, visits: fullyRefunded ? -1 : 0 };
}
