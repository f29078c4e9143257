import { base32, digestBytes } from "./digest";

/**
 * Ids of what a write creates derive from the member and the request's Idempotency-Key, so a dry
 * run shows the id the real call will return, a purchase id says which member it belongs to (a
 * refund finds the member's actor without a lookup), and the Member actor can tell which record,
 * of any operation, a key already made: one key names one request per member.
 */
function suffix(memberId: string, kind: string, key: string, length: number): string {
  return base32(digestBytes(`${kind}\u0000${memberId}\u0000${key}`), length);
}

export function purchaseIdFor(memberId: string, idempotencyKey: string): string {
  return `pur_${memberId.slice(4)}${suffix(memberId, "purchase", idempotencyKey, 12)}`;
}

export function refundIdFor(memberId: string, idempotencyKey: string): string {
  return `rfd_${suffix(memberId, "refund", idempotencyKey, 20)}`;
}

export function redemptionIdFor(memberId: string, idempotencyKey: string): string {
  return `rdm_${memberId.slice(4)}${suffix(memberId, "redemption", idempotencyKey, 12)}`;
}

export function adjustmentIdFor(memberId: string, idempotencyKey: string): string {
  return `adj_${suffix(memberId, "adjustment", idempotencyKey, 20)}`;
}

/** Every record a key could have made for this member, one per operation. */
export function recordIdsFor(memberId: string, idempotencyKey: string) {
  return {
    purchaseId: purchaseIdFor(memberId, idempotencyKey),
    refundId: refundIdFor(memberId, idempotencyKey),
    redemptionId: redemptionIdFor(memberId, idempotencyKey),
    adjustmentId: adjustmentIdFor(memberId, idempotencyKey),
  };
}

const purchaseIdPattern = /^pur_([0-9a-hjkmnp-tv-z]{24})[0-9a-hjkmnp-tv-z]{12}$/;

/** The member a purchase id belongs to, or null when the id is not one we issued. */
export function memberOfPurchase(purchaseId: string): string | null {
  const match = purchaseIdPattern.exec(purchaseId);
  return match ? `mem_${match[1]}` : null;
}

const redemptionIdPattern = /^rdm_([0-9a-hjkmnp-tv-z]{24})[0-9a-hjkmnp-tv-z]{12}$/;

/** The member a redemption id belongs to, or null when the id is not one we issued. */
export function memberOfRedemption(redemptionId: string): string | null {
  const match = redemptionIdPattern.exec(redemptionId);
  return match ? `mem_${match[1]}` : null;
}
