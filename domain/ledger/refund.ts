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

/** New points first repay debt; the rest is credited. */
export function repayDebt(debt: number, earned: number): { repaid: number; credited: number } {
  const repaid = Math.min(debt, earned);
  return { repaid, credited: earned - repaid };
}
