import { base32, digestBytes } from "../auth/crypto";

/**
 * Ids of what a write creates derive from the member and the request's Idempotency-Key, so a dry
 * run shows the id the real call will return, and a purchase id says which member it belongs to
 * (a refund finds the member's actor without a lookup).
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

export function redemptionIdsFor(memberId: string, idempotencyKey: string) {
  const code = (suffix(memberId, "code", idempotencyKey, 8)).toUpperCase();
  return {
    redemptionId: `rdm_${memberId.slice(4)}${suffix(memberId, "redemption", idempotencyKey, 12)}`,
    code: `${code.slice(0, 4)}-${code.slice(4)}`,
  };
}

const purchaseIdPattern = /^pur_([0-9a-hjkmnp-tv-z]{24})[0-9a-hjkmnp-tv-z]{12}$/;

/** The member a purchase id belongs to, or null when the id is not one we issued. */
export function memberOfPurchase(purchaseId: string): string | null {
  const match = purchaseIdPattern.exec(purchaseId);
  return match ? `mem_${match[1]}` : null;
}
