export const purchaseAgeMaxMs = 7 * 24 * 60 * 60 * 1000;
export const purchaseFutureSkewMaxMs = 5 * 60 * 1000;

export type Rejection = { code: string; message: string; status?: 403 | 404 | 409 | 422 };

/** A purchase is accepted from 7 days in the past to 5 minutes in the future (clock skew). */
export function checkOccurredAt(occurredAt: Date, now: Date): Rejection | null {
  const ageMs = now.getTime() - occurredAt.getTime();
  if (ageMs > purchaseAgeMaxMs) {
    const days = Math.floor(ageMs / 86_400_000);
    return { code: "occurred_at_too_old", message: `occurredAt is ${days} days old; purchases older than 7 days are not accepted` };
  }
  if (-ageMs > purchaseFutureSkewMaxMs) {
    return { code: "occurred_at_in_future", message: "occurredAt is more than 5 minutes in the future; check the POS clock" };
  }
  return null;
}
